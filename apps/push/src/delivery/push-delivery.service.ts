import { Inject, Injectable, Logger } from '@nestjs/common';
import { attemptPolicyOf, HandoffPipeline, SendLedgerRepository } from '@reclaim/delivery';
import { EventPublisher } from '@reclaim/kafka';
import { SuppressionView } from '@reclaim/suppression';
import { PUSH_CONFIG, type PushConfig } from '../config';
import type { StoredSubscription } from '../subscriptions/push-subscriptions.repository';
import type { HttpsSession, PreparedRequest } from './https-session';
import { PushChannel } from './push-channel';

/**
 * Due push touches through the one hand-off pipeline (libs/delivery, ADR 0005): redelivery never
 * sends twice; a touch whose attempt died between writing the request and recording the answer is
 * `unknown`, never resent; a web push endpoint that does not take the card for now is retried
 * later from the send ledger (ADR 0006).
 */
@Injectable()
export class PushDeliveryService extends HandoffPipeline<StoredSubscription, PreparedRequest, HttpsSession> {
  constructor(
    @Inject(PUSH_CONFIG) config: PushConfig,
    ledger: SendLedgerRepository,
    channel: PushChannel,
    @Inject(SuppressionView) suppressions: SuppressionView,
    @Inject(EventPublisher) publisher: EventPublisher,
  ) {
    const policy = attemptPolicyOf(config, config.PUSH_QUIET_HOURS);
    const logger = new Logger(PushDeliveryService.name);
    super(channel, { ledger, suppressions, publisher, policy, storeZone: config.STORE_TIMEZONE, logger });
  }
}
