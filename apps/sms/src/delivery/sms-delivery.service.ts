import { Inject, Injectable, Logger } from '@nestjs/common';
import { attemptPolicyOf, HandoffPipeline } from '@reclaim/delivery';
import { EventPublisher } from '@reclaim/kafka';
import { SuppressionView } from '@reclaim/suppression';
import { SMS_CONFIG, type SmsConfig } from '../config';
import type { SmsContent } from '../content/domain/sms-content';
import type { SmsSession } from '../provider/sms-provider';
import { SmsChannel, type SmsTarget } from './sms-channel';
import { SmsSendLedgerRepository } from './send-ledger.repository';

/**
 * Due SMS touches through the one hand-off pipeline (libs/delivery, ADR 0005): redelivery never
 * sends twice; a request written whose answer was lost is `unknown`, never resent; the deadline,
 * attempts and the recipient's quiet hours are checked before the provider is contacted; a refusal
 * of this one message for now is retried later from the send ledger (ADR 0006).
 */
@Injectable()
export class SmsDeliveryService extends HandoffPipeline<SmsTarget, SmsContent, SmsSession> {
  constructor(
    @Inject(SMS_CONFIG) config: SmsConfig,
    ledger: SmsSendLedgerRepository,
    channel: SmsChannel,
    @Inject(SuppressionView) suppressions: SuppressionView,
    @Inject(EventPublisher) publisher: EventPublisher,
  ) {
    const policy = attemptPolicyOf(config, config.SMS_QUIET_HOURS);
    const logger = new Logger(SmsDeliveryService.name);
    super(channel, { ledger, suppressions, publisher, policy, storeZone: config.STORE_TIMEZONE, logger });
  }
}
