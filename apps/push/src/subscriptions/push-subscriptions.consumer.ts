import { Inject, Injectable } from '@nestjs/common';
import { ConsumerGroups, Contracts, deadLetterTopicSpec, Topics } from '@reclaim/contracts';
import { InvalidInputError } from '@reclaim/core';
import { Kafka, parseRecord, type IncomingRecord, type KafkaSettings } from '@reclaim/kafka';
import { FeedConsumer, KAFKA_SETTINGS } from '@reclaim/platform';
import { PushEndpointGuard } from '../delivery/push-endpoint-guard';
import { subscriptionsOf } from './domain/push-subscription';
import { PushSubscriptionsRepository } from './push-subscriptions.repository';

/**
 * Keeps `push_subscriptions` current from `push.subscribed` events on
 * `reclaim.storefront-events.v1`, in a group of its own (`reclaim.push.subscriptions`) so a
 * backlog of shopper events never delays due touches. Other event types are read and passed
 * over. Unusable records go to `reclaim.push.dlq.v1` with the reason; a database outage is
 * retried, never dead-lettered. A web push endpoint the endpoint guard refuses (not a public push
 * service on 443) is logged and not stored. Applying a record twice changes nothing (newest wins).
 */
@Injectable()
export class PushSubscriptionsConsumer extends FeedConsumer {
  static readonly groupId = `${ConsumerGroups.push}.subscriptions`;

  constructor(
    @Inject(Kafka) kafka: Kafka,
    @Inject(KAFKA_SETTINGS) settings: KafkaSettings,
    private readonly subscriptions: PushSubscriptionsRepository,
    private readonly guard: PushEndpointGuard,
  ) {
    super(kafka, settings, {
      groupId: PushSubscriptionsConsumer.groupId,
      topics: [Topics.storefrontEvents.name],
      deadLetterTopic: deadLetterTopicSpec('push').name,
      partitionsConsumedConcurrently: 3,
    });
  }

  protected async apply(record: IncomingRecord): Promise<void> {
    const { payload } = parseRecord(Contracts.storefrontEvent, record);
    const subscriptions = subscriptionsOf(payload);
    if (typeof subscriptions === 'string') throw new InvalidInputError(`event ${payload.event.id}: ${subscriptions}`);
    for (const s of subscriptions) {
      const refused = s.transport === 'web_push' ? this.guard.problem(s.endpoint) : undefined;
      if (refused) {
        this.logger.warn({
          msg: 'push endpoint refused, not stored',
          eventId: payload.event.id,
          reason: `push_endpoint_refused:${refused}`,
        });
        continue;
      }
      await this.subscriptions.record(s);
    }
  }
}
