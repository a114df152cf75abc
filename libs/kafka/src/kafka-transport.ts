import { Catch, type ArgumentsHost } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { BaseRpcContext, type CustomTransportStrategy, Server } from '@nestjs/microservices';
import type { Kafka } from 'kafkajs';
import { isObservable, lastValueFrom, throwError, type Observable } from 'rxjs';
import { InvalidInputError } from '@reclaim/core';
import type { IncomingRecord } from './records';
import { RecordConsumer, type ConsumerHealth, type RecordConsumerOptions } from './record-consumer';
import type { KafkaSettings } from './settings';

export class KafkaRecordContext extends BaseRpcContext<[IncomingRecord]> {
  get record(): IncomingRecord {
    return this.args[0];
  }
}

/**
 * Nest's own exception layer would turn a handler error into a generic "Internal server error"
 * and lose whether it is retriable. For RPC (Kafka) contexts this filter hands the original
 * error back to the transport; HTTP errors go to Nest's usual handling.
 */
@Catch()
export class RethrowRpcExceptionFilter extends BaseExceptionFilter {
  override catch(exception: unknown, host: ArgumentsHost): Observable<never> | undefined {
    if (host.getType() === 'rpc') return throwError(() => exception);
    super.catch(exception, host);
    return undefined;
  }
}

export type KafkaTransportOptions = Omit<RecordConsumerOptions, 'topics' | 'handler'>;

/**
 * A Nest transport over RecordConsumer: handlers stay declarative
 * (`@EventPattern(Topics.touchesEmail.name)`, logical topic names), while offsets are committed
 * only after the handler's effects are durable, and failures are retried or dead-lettered.
 */
export class KafkaTransport extends Server implements CustomTransportStrategy {
  private consumer: RecordConsumer | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly settings: KafkaSettings,
    private readonly options: KafkaTransportOptions,
  ) {
    super();
  }

  health(): ConsumerHealth {
    return this.consumer?.health() ?? { up: false, ready: false, detail: 'transport not started' };
  }

  listen(callback: (error?: unknown) => void): void {
    const topics = [...this.messageHandlers.keys()];
    this.consumer = new RecordConsumer(this.kafka, this.settings, {
      ...this.options,
      topics,
      handler: (record) => this.dispatch(record),
    });
    this.consumer.start().then(
      () => callback(),
      (error: unknown) => callback(error),
    );
  }

  async close(): Promise<void> {
    await this.consumer?.stop();
  }

  on(): never {
    throw new Error('KafkaTransport does not emit events');
  }

  // The signature is Nest's (Server.unwrap<T>()).
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters
  unwrap<T>(): T {
    return this.kafka as T;
  }

  private async dispatch(record: IncomingRecord): Promise<void> {
    const handler = this.getHandlerByPattern(record.logicalTopic);
    if (!handler) throw new InvalidInputError(`no handler for topic ${record.logicalTopic}`);
    const result: unknown = await handler(record, new KafkaRecordContext([record]));
    if (isObservable(result)) await lastValueFrom(result, { defaultValue: undefined });
  }
}
