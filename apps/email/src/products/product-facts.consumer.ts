import { Inject, Injectable } from '@nestjs/common';
import { ConsumerGroups, Contracts, deadLetterTopicSpec, Topics } from '@reclaim/contracts';
import { Kafka, parseRecord, type IncomingRecord, type KafkaSettings } from '@reclaim/kafka';
import { FeedConsumer, KAFKA_SETTINGS } from '@reclaim/platform';
import { productObservations } from './domain/product-observations';
import { ProductFactsRepository } from './product-facts.repository';

/**
 * Keeps `product_facts` current from `reclaim.storefront-events.v1`: `product.updated` and the
 * items of cart events. It reads in a group of its own (`reclaim.email.product-facts`), not on the
 * service's main transport, so a backlog of shopper events never delays due touches. Unreadable
 * records go to `reclaim.email.dlq.v1` with the reason; a database outage is retried, never
 * dead-lettered. Applying a record twice changes nothing (newest fact per field wins).
 */
@Injectable()
export class ProductFactsConsumer extends FeedConsumer {
  static readonly groupId = `${ConsumerGroups.email}.product-facts`;

  constructor(
    @Inject(Kafka) kafka: Kafka,
    @Inject(KAFKA_SETTINGS) settings: KafkaSettings,
    private readonly facts: ProductFactsRepository,
  ) {
    super(kafka, settings, {
      groupId: ProductFactsConsumer.groupId,
      topics: [Topics.storefrontEvents.name],
      deadLetterTopic: deadLetterTopicSpec('email').name,
      partitionsConsumedConcurrently: 3,
    });
  }

  /** Invalid → InvalidInputError (dead-lettered); Postgres down → DependencyUnavailableError (retried). */
  protected async apply(record: IncomingRecord): Promise<void> {
    const { payload } = parseRecord(Contracts.storefrontEvent, record);
    await this.facts.recordObservations(payload.storeId, productObservations(payload.event));
  }
}
