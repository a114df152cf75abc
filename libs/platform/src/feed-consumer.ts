import { Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import {
  RecordConsumer,
  type ConsumerHealth,
  type IncomingRecord,
  type Kafka,
  type KafkaSettings,
  type RecordConsumerOptions,
} from '@reclaim/kafka';
import { classifyDatabaseError } from '@reclaim/persistence';

export type FeedConsumerOptions = Omit<RecordConsumerOptions, 'handler' | 'log'>;

/** A RecordConsumer's log lines through a Nest logger (JSON, redacted by the platform's pino). */
export function nestRecordLog(logger: Logger): NonNullable<RecordConsumerOptions['log']> {
  return (level, message, extra) =>
    logger[level === 'info' ? 'log' : level](extra ? { msg: message, ...extra } : message);
}

/**
 * A feed a service materialises from a topic in a consumer group of its own (product facts, push
 * subscriptions): started on bootstrap, stopped before shutdown, its health reported. Its own group
 * means a backlog there never delays the service's main transport, nor the other way round.
 * Subclasses give the options and `apply` one record: an InvalidInputError dead-letters it, a
 * retriable error redelivers it (RecordConsumer's policy); database errors are classified by
 * libs/persistence (a refused value is dead-lettered, an outage retried).
 */
export abstract class FeedConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  protected readonly logger = new Logger(this.constructor.name);
  private consumer: RecordConsumer | undefined;

  protected constructor(
    private readonly kafka: Kafka,
    private readonly settings: KafkaSettings,
    private readonly options: FeedConsumerOptions,
  ) {}

  protected abstract apply(record: IncomingRecord): Promise<void>;

  async onApplicationBootstrap(): Promise<void> {
    if (this.consumer) return;
    this.consumer = new RecordConsumer(this.kafka, this.settings, {
      classifyError: classifyDatabaseError,
      ...this.options,
      handler: (record) => this.apply(record),
      log: nestRecordLog(this.logger),
    });
    await this.consumer.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    const consumer = this.consumer;
    this.consumer = undefined;
    await consumer?.stop();
  }

  health(): ConsumerHealth {
    return (
      this.consumer?.health() ?? { up: false, ready: false, detail: `${this.options.groupId} consumer not started` }
    );
  }
}
