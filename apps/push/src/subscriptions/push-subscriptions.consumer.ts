import { Inject, Injectable } from '@nestjs/common';
import { ConsumerGroups, Contracts, deadLetterTopicSpec, Topics } from '@reclaim/contracts';
import { InvalidInputError } from '@reclaim/core';
import { Kafka, parseRecord, type IncomingRecord, type KafkaSettings } from '@reclaim/kafka';
import { FeedConsumer, KAFKA_SETTINGS } from '@reclaim/platform';
import { subscriptionsOf } from './domain/push-subscription';
import { PushSubscriptionsRepository } from './push-subscriptions.repository';

/**
 * Keeps `push_subscriptions` current from `push.subscribed` events on
 * `reclaim.storefront-events.v1`, in a group of its own (`reclaim.push.subscriptions`) so a
 * backlog of shopper events never delays due touches. Other event types are read and passed
 * over. Unusable records go to `reclaim.push.dlq.v1` with the reason; a database outage is
 * retried, never dead-lettered. Applying a record twice changes nothing (newest wins).
 */
@Injectable()
export class PushSubscriptionsConsumer extends FeedConsumer {
  static readonly groupId = `${ConsumerGroups.push}.subscriptions`;

  constructor(
    @Inject(Kafka) kafka: Kafka,
    @Inject(KAFKA_SETTINGS) settings: KafkaSettings,
    private readonly subscriptions: PushSubscriptionsRepository,
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
    for (const s of subscriptions) await this.subscriptions.record(s);
  }
}
