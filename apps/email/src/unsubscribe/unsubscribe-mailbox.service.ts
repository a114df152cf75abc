import { Inject, Injectable, Logger } from '@nestjs/common';
import { simpleParser } from 'mailparser';
import { errorMessage } from '@reclaim/core';
import { EMAIL_CONFIG, type EmailConfig } from '../config';
import { isUnsubscribeMailbox, tokenCandidates } from './domain/unsubscribe-mail';
import { UnsubscribeService } from './unsubscribe.service';

/** What the SMTP listener answers a request: 250, no token here (the caller decides), or 451 (retry). */
export type UnsubscribeMailAnswer =
  { kind: 'unsubscribed'; note: string } | { kind: 'no_token' } | { kind: 'retry'; message: string };

/**
 * Unsubscribe requests mailed to EMAIL_UNSUBSCRIBE_MAILBOX (the `mailto:` of List-Unsubscribe):
 * the token the mail carries unsubscribes the shopper it names, exactly as the one-click POST does.
 * The reply is 250 only once Kafka has the suppression.
 */
@Injectable()
export class UnsubscribeMailbox {
  private readonly logger = new Logger(UnsubscribeMailbox.name);

  constructor(
    @Inject(EMAIL_CONFIG) private readonly config: EmailConfig,
    private readonly unsubscribe: UnsubscribeService,
  ) {}

  accepts(recipient: string): boolean {
    return isUnsubscribeMailbox(recipient, this.config.EMAIL_UNSUBSCRIBE_MAILBOX);
  }

  async receive(raw: Buffer, recipients: ReadonlyArray<string>): Promise<UnsubscribeMailAnswer> {
    const mail = await simpleParser(raw);
    const token = tokenCandidates({ subject: mail.subject ?? '', text: mail.text ?? '', recipients }).find(
      (candidate) => this.unsubscribe.recipientOf(candidate) !== undefined,
    );
    if (token === undefined) return { kind: 'no_token' };
    try {
      await this.unsubscribe.unsubscribe(token);
      return { kind: 'unsubscribed', note: 'unsubscribed' };
    } catch (error) {
      this.logger.warn({ msg: 'unsubscribe by mail not recorded; the sender will retry', error: errorMessage(error) });
      return { kind: 'retry', message: '4.3.0 could not record the unsubscribe, try again later' };
    }
  }
}
