import { Inject, Injectable } from '@nestjs/common';
import { ConsumerGroups, Contracts, deadLetterTopicSpec, Topics } from '@reclaim/contracts';
import { Kafka, parseRecord, type IncomingRecord, type KafkaSettings } from '@reclaim/kafka';
import { FeedConsumer, KAFKA_SETTINGS } from '@reclaim/platform';
import { landingWrites } from './domain/landing-writes';
import { LandingReadModelRepository } from './landing-read-model.repository';

/**
 * Keeps ingestion's landing read model current from `reclaim.storefront-events.v1` (cart contents,
 * orders, product.updated facts) and `reclaim.incentives.v1` (the code each touch carried). Ingestion
 * has no main transport: this is its one consumer group (`reclaim.ingestion.landing`). Unreadable
 * records go to `reclaim.ingestion.dlq.v1` with the reason; a database outage is retried, never
 * dead-lettered. Applying a record twice, or an older one late, changes nothing.
 */
@Injectable()
export class LandingFeedConsumer extends FeedConsumer {
  static readonly groupId = `${ConsumerGroups.ingestion}.landing`;

  constructor(
    @Inject(Kafka) kafka: Kafka,
    @Inject(KAFKA_SETTINGS) settings: KafkaSettings,
    private readonly readModel: LandingReadModelRepository,
  ) {
    super(kafka, settings, {
      groupId: LandingFeedConsumer.groupId,
      topics: [Topics.storefrontEvents.name, Topics.incentives.name],
      deadLetterTopic: deadLetterTopicSpec('ingestion').name,
      partitionsConsumedConcurrently: 3,
    });
  }

  /** Invalid → InvalidInputError (dead-lettered); Postgres down → DependencyUnavailableError (retried). */
  protected async apply(record: IncomingRecord): Promise<void> {
    if (record.logicalTopic === Topics.incentives.name) {
      const { payload } = parseRecord(Contracts.incentive, record);
      await this.readModel.recordIncentive(payload);
      return;
    }
    const { payload } = parseRecord(Contracts.storefrontEvent, record);
    await this.readModel.apply(payload.storeId, landingWrites(payload));
  }
}
