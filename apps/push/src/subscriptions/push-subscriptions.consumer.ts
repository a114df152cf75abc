import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { ConsumerGroups, Contracts, deadLetterTopicSpec, Topics } from '@reclaim/contracts';
import { InvalidInputError } from '@reclaim/core';
import { Kafka, parseRecord, RecordConsumer, type IncomingRecord, type KafkaSettings } from '@reclaim/kafka';
import { KAFKA_SETTINGS } from '@reclaim/platform';
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
export class PushSubscriptionsConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  static readonly groupId = `${ConsumerGroups.push}.subscriptions`;
  private readonly logger = new Logger(PushSubscriptionsConsumer.name);
  private consumer: RecordConsumer | undefined;

  constructor(
    @Inject(Kafka) private readonly kafka: Kafka,
    @Inject(KAFKA_SETTINGS) private readonly settings: KafkaSettings,
    private readonly subscriptions: PushSubscriptionsRepository,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.consumer) return;
    this.consumer = new RecordConsumer(this.kafka, this.settings, {
      groupId: PushSubscriptionsConsumer.groupId,
      topics: [Topics.storefrontEvents.name],
      deadLetterTopic: deadLetterTopicSpec('push').name,
      partitionsConsumedConcurrently: 3,
      handler: (record) => this.apply(record),
      log: (level, message, extra) =>
        this.logger[level === 'info' ? 'log' : level](extra ? { msg: message, ...extra } : message),
    });
    await this.consumer.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    const consumer = this.consumer;
    this.consumer = undefined;
    await consumer?.stop();
  }

  health(): { up: boolean; detail: string } {
    return this.consumer?.health() ?? { up: false, detail: 'push subscriptions consumer not started' };
  }

  /** Invalid → InvalidInputError (dead-lettered); Postgres down → DependencyUnavailableError (retried). */
  private async apply(record: IncomingRecord): Promise<void> {
    const { payload } = parseRecord(Contracts.storefrontEvent, record);
    const subscriptions = subscriptionsOf(payload);
    if (typeof subscriptions === 'string') throw new InvalidInputError(`event ${payload.event.id}: ${subscriptions}`);
    for (const s of subscriptions) await this.subscriptions.record(s);
  }
}
