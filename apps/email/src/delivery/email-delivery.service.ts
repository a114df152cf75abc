import { Inject, Injectable, Logger } from '@nestjs/common';
import { attemptPolicyOf, HandoffPipeline, SendLedgerRepository } from '@reclaim/delivery';
import { EventPublisher } from '@reclaim/kafka';
import { SuppressionView } from '@reclaim/suppression';
import { EMAIL_CONFIG, type EmailConfig } from '../config';
import type { ComposedEmail } from '../content/mime';
import { EmailChannel, type EmailTarget } from './email-channel';
import type { SmtpSession } from './smtp-mailer';

/**
 * Due email touches through the one hand-off pipeline (libs/delivery, ADR 0005): redelivery never
 * sends twice; a touch whose attempt died between handing the message to SMTP and recording it is
 * reported `unknown`, never resent; a recipient that turns the message away for now is retried
 * later from the send ledger (ADR 0006).
 */
@Injectable()
export class EmailDeliveryService extends HandoffPipeline<EmailTarget, ComposedEmail, SmtpSession> {
  constructor(
    @Inject(EMAIL_CONFIG) config: EmailConfig,
    ledger: SendLedgerRepository,
    channel: EmailChannel,
    @Inject(SuppressionView) suppressions: SuppressionView,
    @Inject(EventPublisher) publisher: EventPublisher,
  ) {
    const policy = attemptPolicyOf(config, config.EMAIL_QUIET_HOURS);
    const logger = new Logger(EmailDeliveryService.name);
    super(channel, { ledger, suppressions, publisher, policy, storeZone: config.STORE_TIMEZONE, logger });
  }
}
