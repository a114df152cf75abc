import { Inject, Injectable } from '@nestjs/common';
import type { EmailTemplateName, TouchDue } from '@reclaim/contracts';
import { endWith, proceed, type ChannelAdapter, type Step, type TouchOutcome } from '@reclaim/delivery';
import { EMAIL_CONFIG, type EmailConfig } from '../config';
import { EmailComposer } from '../content/email-composer';
import { resolveTemplate } from '../content/email-renderer';
import type { ComposedEmail } from '../content/mime';
import { addressStop } from '../addresses/domain/address-stop';
import { classifySmtpFailure, deadAddressStatus, isRecipientDeferral } from './domain/smtp-failure';
import { SmtpMailer, smtpErrorFacts, type SmtpSession } from './smtp-mailer';

export interface EmailTarget {
  email: string;
  template: EmailTemplateName;
}

const smtpReason = (error: unknown): string => {
  const facts = smtpErrorFacts(error);
  return `smtp_${facts.responseCode ?? facts.code ?? 'error'}`;
};

/**
 * Email's part of the hand-off pipeline (libs/delivery): the address and template, the message
 * (EmailComposer), SMTP sessions (SmtpMailer, pooled) and what an SMTP reply means for the touch.
 */
@Injectable()
export class EmailChannel implements ChannelAdapter<EmailTarget, ComposedEmail, SmtpSession> {
  readonly channel = 'email';
  readonly freshnessMs: number;

  constructor(
    @Inject(EMAIL_CONFIG) private readonly config: EmailConfig,
    private readonly composer: EmailComposer,
    private readonly mailer: SmtpMailer,
  ) {
    this.freshnessMs = config.EMAIL_SEND_FRESHNESS_MS;
  }

  target(touch: TouchDue): Promise<Step<EmailTarget>> {
    const email = touch.customer.email;
    if (!email) return Promise.resolve(endWith({ kind: 'skipped', reason: 'no_email_address' }));
    const template = resolveTemplate(touch.template);
    if (!template) return Promise.resolve(endWith({ kind: 'rejected', reason: `unknown_template:${touch.template}` }));
    return Promise.resolve(proceed({ email, template }));
  }

  prepare(touch: TouchDue, { email, template }: EmailTarget): Promise<Step<ComposedEmail>> {
    return this.composer.compose(touch, email, template);
  }

  /** Connect, greeting, EHLO and AUTH (or a pooled connection's RSET): a failure here is before any message. */
  async open(): Promise<Step<SmtpSession>> {
    try {
      return proceed(await this.mailer.open());
    } catch (error) {
      return endWith({ kind: 'retry_later', scope: 'provider', reason: smtpReason(error) });
    }
  }

  sendingColumns({ email }: EmailTarget): Record<string, string> {
    return { recipient: email };
  }

  async handOver(
    session: SmtpSession,
    touch: TouchDue,
    _target: EmailTarget,
    message: ComposedEmail,
  ): Promise<TouchOutcome> {
    let messageId: string;
    try {
      ({ messageId } = await session.handOver(message));
    } catch (error) {
      return this.outcomeOf(error, touch, message);
    }
    if (this.config.EMAIL_TEST_CRASH_POINT === 'after_smtp_accept') process.kill(process.pid, 'SIGKILL');
    return { kind: 'sent', providerMessageId: messageId };
  }

  release(session: SmtpSession, reusable: boolean): void {
    this.mailer.release(session, reusable);
  }

  /** What an SMTP error during MAIL FROM, RCPT TO or DATA means for the touch. */
  private outcomeOf(error: unknown, touch: TouchDue, message: ComposedEmail): TouchOutcome {
    const facts = smtpErrorFacts(error);
    const kind = classifySmtpFailure(facts);
    const reason = smtpReason(error);
    // This recipient's server said "not now": retried from the ledger, the partition moves on.
    if (kind === 'transient')
      return { kind: 'retry_later', scope: isRecipientDeferral(facts) ? 'recipient' : 'provider', reason };
    if (kind !== 'permanent') return { kind: 'unknown', reason };
    const dead = deadAddressStatus(facts);
    const address = message.envelope.to[0];
    if (dead === undefined || address === undefined) return { kind: 'rejected', reason };
    // The address is dead: nothing more goes to it, for any cart.
    return {
      kind: 'dead_address',
      reason: `hard_bounce:${dead}`,
      stop: addressStop('hard_bounce', touch.storeId, address, touch.touchId, new Date()),
    };
  }
}
