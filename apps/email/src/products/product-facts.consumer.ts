import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { ConsumerGroups, Contracts, deadLetterTopicSpec, Topics } from '@reclaim/contracts';
import { Kafka, parseRecord, RecordConsumer, type IncomingRecord, type KafkaSettings } from '@reclaim/kafka';
import { KAFKA_SETTINGS } from '@reclaim/platform';
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
export class ProductFactsConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  static readonly groupId = `${ConsumerGroups.email}.product-facts`;
  private readonly logger = new Logger(ProductFactsConsumer.name);
  private consumer: RecordConsumer | undefined;

  constructor(
    @Inject(Kafka) private readonly kafka: Kafka,
    @Inject(KAFKA_SETTINGS) private readonly settings: KafkaSettings,
    private readonly facts: ProductFactsRepository,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.consumer) return;
    this.consumer = new RecordConsumer(this.kafka, this.settings, {
      groupId: ProductFactsConsumer.groupId,
      topics: [Topics.storefrontEvents.name],
      deadLetterTopic: deadLetterTopicSpec('email').name,
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
    return this.consumer?.health() ?? { up: false, detail: 'product facts consumer not started' };
  }

  /** Invalid → InvalidInputError (dead-lettered); Postgres down → DependencyUnavailableError (retried). */
  private async apply(record: IncomingRecord): Promise<void> {
    const { payload } = parseRecord(Contracts.storefrontEvent, record);
    await this.facts.recordObservations(payload.storeId, productObservations(payload.event));
  }
}
