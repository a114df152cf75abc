import { Inject, Injectable, Logger } from '@nestjs/common';
import { Contracts, resumeLink, storeCartUrl, type TouchDue } from '@reclaim/contracts';
import { derivedId, errorMessage } from '@reclaim/core';
import {
  attemptPolicyOf,
  DeliveryReporter,
  LedgerAttempts,
  SendLedgerRepository,
  SuppressionCheckStaleError,
  type AttemptSource,
  type LedgerDelivery,
} from '@reclaim/delivery';
import { EventPublisher } from '@reclaim/kafka';
import { recipientOf, SuppressionView } from '@reclaim/suppression';
import { EMAIL_CONFIG, type EmailConfig } from '../config';
import { EmailRenderer, resolveTemplate, type RenderableTouch, type RenderedEmail } from '../content/email-renderer';
import { withCurrentFacts, type CurrentCart } from '../content/domain/current-cart';
import { EmailContent } from '../content/domain/email-content';
import { stockView } from '../content/domain/stock';
import { ProductFactsRepository } from '../products/product-facts.repository';
import { unsubscribeToken } from '../content/domain/links';
import { SmtpUnavailableError } from './domain/delivery-errors';
import { addressStop } from '../addresses/domain/address-stop';
import { returnPathFor } from '../addresses/domain/return-path';
import { classifySmtpFailure, deadAddressStatus, isRecipientDeferral } from './domain/smtp-failure';
import { SmtpMailer, smtpErrorFacts, type ComposedEmail, type SmtpSession } from './smtp-mailer';
import type { IssuedCode } from '../incentives/incentive-codes.repository';
import { IncentiveService } from '../incentives/incentive.service';

/** How many times a send checks suppressions in a row to get a verdict within the freshness bound. */
const FRESH_CHECK_ROUNDS = 3;

/**
 * One due email touch, end to end: claim the ledger row, pass the suppression barrier, check the
 * touch's deadline, attempts and quiet hours, render, send, record, publish the delivery.
 * Redelivery never sends twice; a touch whose previous attempt died between handing the message
 * to SMTP and recording it is reported `unknown`, never resent. A recipient that turns the message
 * away for now is retried later from the send ledger (ADR 0006).
 */
@Injectable()
export class EmailDeliveryService implements LedgerDelivery {
  private readonly logger = new Logger(EmailDeliveryService.name);
  private readonly reports: DeliveryReporter;
  readonly attempts: LedgerAttempts;
  private readonly renderer = new EmailRenderer();
  private readonly fromDomain: string;

  constructor(
    @Inject(EMAIL_CONFIG) private readonly config: EmailConfig,
    private readonly ledger: SendLedgerRepository,
    private readonly mailer: SmtpMailer,
    @Inject(SuppressionView) private readonly suppressions: SuppressionView,
    @Inject(EventPublisher) private readonly publisher: EventPublisher,
    private readonly incentives: IncentiveService,
    private readonly products: ProductFactsRepository,
    private readonly content: EmailContent,
  ) {
    this.reports = new DeliveryReporter('email', ledger, publisher, this.logger);
    this.attempts = new LedgerAttempts(
      ledger,
      this.reports,
      attemptPolicyOf(config, config.EMAIL_QUIET_HOURS),
      config.STORE_TIMEZONE,
      this.logger,
    );
    this.fromDomain = /@([^>\s]+)>?\s*$/.exec(config.EMAIL_FROM)?.[1] ?? 'reclaim.local';
  }

  async deliver(touch: TouchDue, source: AttemptSource = 'topic'): Promise<void> {
    if (!(await this.attempts.claim(touch, source))) return;

    const email = touch.customer.email;
    if (!email) return this.reports.finish(touch, 'skipped', 'no_email_address');

    const template = resolveTemplate(touch.template);
    if (!template) return this.reports.finish(touch, 'failed', `unknown_template:${touch.template}`);
    // A touch already suppressed costs no rendering and no SMTP connection, and no incentive code is
    // issued (codes are published to the store) for a bought cart. The fresh check before the
    // hand-off below still decides the send.
    const early = await this.checkSuppressions(touch, email);
    if (early.suppressed) return this.reports.finish(touch, 'skipped', `suppressed:${early.reason}`);
    // Deadline, attempts and quiet hours, before any code is issued or SMTP contacted.
    if (!(await this.attempts.mayAttempt(touch))) return;
    // Today's stock and prices over the snapshot; nothing buyable → no message (and no code issued).
    const cart = await this.currentCart(touch);
    if (!stockView(cart)) return this.reports.finish(touch, 'skipped', 'nothing_in_stock');
    const incentive = await this.incentives.codeFor(touch);
    const rendered = this.render(template, { ...touch, cart }, email, incentive);
    if (!rendered) return this.reports.finish(touch, 'skipped', 'nothing_in_stock');

    const message = await this.mailer.compose({
      from: this.config.EMAIL_FROM,
      to: email,
      subject: rendered.subject,
      html: rendered.html,
      text: rendered.text,
      messageId: `<${derivedId('email', touch.touchId)}@${this.fromDomain}>`,
      ...(this.config.EMAIL_BOUNCE_ADDRESS
        ? {
            envelopeFrom: returnPathFor(
              this.config.EMAIL_BOUNCE_ADDRESS,
              touch.touchId,
              this.config.RESUME_LINK_SECRET,
            ),
          }
        : {}),
      headers: {
        'List-Unsubscribe': `<${this.unsubscribeUrl(touch.storeId, email)}>`,
        'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
        'X-Reclaim-Touch-Id': touch.touchId,
      },
    });
    // Connect, greeting, EHLO and AUTH come first: after the last suppression check only the
    // message itself (MAIL FROM, RCPT TO, DATA) is left, so the freshness bound covers it (ADR 0005).
    const session = await this.openSmtp(touch);
    try {
      // The barrier that clears a send must be fresh when the message reaches SMTP (ADR 0005).
      const { verdict, clearedAt } = await this.freshCheck(touch, email);
      if (verdict.suppressed) {
        await this.reports.finish(touch, 'skipped', `suppressed:${verdict.reason}`);
        return;
      }
      if (!(await this.ledger.startSending(touch.touchId, { recipient: email }))) return; // another delivery of this touch got there first
      const sinceCheck = Date.now() - clearedAt;
      if (sinceCheck > this.config.EMAIL_SEND_FRESHNESS_MS) {
        await this.ledger.releaseForRetry(touch.touchId, 'suppression_check_stale');
        throw new SuppressionCheckStaleError(
          `touch ${touch.touchId}: ${sinceCheck} ms since its suppression check; checking again`,
        );
      }
      await this.handOver(touch, session, message);
    } finally {
      session.close();
    }
  }

  /**
   * The suppression check, repeated while it took longer than the freshness bound: waiting for the
   * view to reach one watermark usually brings it close to the next, so a second check is quick.
   * `clearedAt` is taken before the watermark read of the verdict returned.
   */
  private async freshCheck(touch: TouchDue, email: string) {
    for (let round = 1; ; round++) {
      const clearedAt = Date.now();
      const verdict = await this.checkSuppressions(touch, email);
      const fresh = Date.now() - clearedAt <= this.config.EMAIL_SEND_FRESHNESS_MS;
      if (verdict.suppressed || fresh || round >= FRESH_CHECK_ROUNDS) return { verdict, clearedAt };
    }
  }

  /** The row is `sending`: hand the message over and record what SMTP said. */
  private async handOver(touch: TouchDue, session: SmtpSession, message: ComposedEmail): Promise<void> {
    let messageId: string;
    try {
      ({ messageId } = await session.handOver(message));
    } catch (error) {
      const facts = smtpErrorFacts(error);
      const kind = classifySmtpFailure(facts);
      const reason = `smtp_${facts.responseCode ?? facts.code ?? 'error'}`;
      // This recipient's server said "not now": retried from the ledger, the partition moves on.
      if (kind === 'transient' && isRecipientDeferral(facts)) return this.attempts.retryLater(touch, reason);
      if (kind === 'transient') {
        await this.ledger.releaseForRetry(touch.touchId, reason);
        throw new SmtpUnavailableError(`SMTP did not take touch ${touch.touchId}: ${errorMessage(error)}`, {
          cause: error,
        });
      }
      this.logger.warn({ msg: 'SMTP send failed', touchId: touch.touchId, kind, reason, error: errorMessage(error) });
      const address = message.envelope.to[0];
      const dead = kind === 'permanent' ? deadAddressStatus(facts) : undefined;
      if (dead !== undefined && address !== undefined) {
        // The address is dead: nothing more goes to it. Published before the row is settled, so a
        // crash in between republishes it (same id) rather than losing it.
        await this.publisher.publish(Contracts.suppression, [
          addressStop('hard_bounce', touch.storeId, address, touch.touchId, new Date()),
        ]);
        await this.ledger.markFailed(touch.touchId, `hard_bounce:${dead}`);
      } else if (kind === 'permanent') await this.ledger.markFailed(touch.touchId, reason);
      else await this.ledger.markUnknown(touch.touchId, reason);
      return this.reports.reportCurrent(touch);
    }
    if (this.config.EMAIL_TEST_CRASH_POINT === 'after_smtp_accept') process.kill(process.pid, 'SIGKILL');
    await this.ledger.markSent(touch.touchId, messageId);
    return this.reports.reportCurrent(touch);
  }

  /** An SMTP session ready for a message; a failure here is before any message, so the touch is retried. */
  private async openSmtp(touch: TouchDue): Promise<SmtpSession> {
    try {
      return await this.mailer.open();
    } catch (error) {
      const facts = smtpErrorFacts(error);
      await this.ledger.recordFailedAttempt(touch.touchId, `smtp_${facts.responseCode ?? facts.code ?? 'error'}`);
      throw new SmtpUnavailableError(`SMTP unavailable for touch ${touch.touchId}: ${errorMessage(error)}`, {
        cause: error,
      });
    }
  }

  private async checkSuppressions(touch: TouchDue, email: string) {
    await this.suppressions.catchUp();
    return this.suppressions.isSuppressed({ ...recipientOf(touch), email });
  }

  /** The touch's cart with the current product facts (stock, price) laid over its snapshot. */
  private async currentCart(touch: TouchDue): Promise<CurrentCart> {
    const productIds = touch.cart.items.flatMap((i) => (i.productId === undefined ? [] : [i.productId]));
    return withCurrentFacts(touch.cart, await this.products.currentFacts(touch.storeId, productIds));
  }

  private render(
    template: ReturnType<typeof resolveTemplate> & string,
    touch: RenderableTouch,
    email: string,
    incentive: IssuedCode | undefined,
  ): RenderedEmail | undefined {
    const cartUrl = storeCartUrl(this.config.STORE_CART_URL_TEMPLATE, touch.storeId, touch.cartId);
    return this.renderer.render(template, touch, {
      resumeUrl: resumeLink(this.config.PUBLIC_BASE_URL, this.config.RESUME_LINK_SECRET, {
        storeId: touch.storeId,
        cartId: touch.cartId,
        touchId: touch.touchId,
        channel: 'email',
        cartUrl,
        now: new Date(),
        ttlMs: this.config.RESUME_LINK_TTL,
      }),
      unsubscribeUrl: this.unsubscribeUrl(touch.storeId, email),
      storeName: /^\s*"?([^"<]+?)"?\s*</.exec(this.config.EMAIL_FROM)?.[1] ?? 'our store',
      postalAddress: this.config.STORE_POSTAL_ADDRESS,
      incentive: incentive && { code: incentive.code, expiresAt: incentive.expiresAt },
      trust: {
        returns: this.config.STORE_RETURNS_POLICY,
        supportEmail: this.config.STORE_SUPPORT_EMAIL,
        supportPhone: this.config.STORE_SUPPORT_PHONE,
      },
      content: this.content.forStore(touch.storeId),
    });
  }

  private unsubscribeUrl(storeId: string, email: string): string {
    return `${this.config.EMAIL_PUBLIC_URL}/unsubscribe/${unsubscribeToken(this.config.RESUME_LINK_SECRET, storeId, email)}`;
  }
}
