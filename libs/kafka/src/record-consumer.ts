import type { Consumer, EachBatchPayload, EachMessagePayload, KafkaMessage, Kafka, Producer } from 'kafkajs';
import { AppError, errorMessage } from '@reclaim/core';
import type { IncomingRecord } from './records';
import { groupFor, topicFor, type KafkaSettings } from './settings';
import { kafkaMetrics } from './metrics';

export type RecordHandler = (record: IncomingRecord) => Promise<void>;

export interface RecordConsumerOptions {
  /** Logical group id from the catalog; the deployment prefix is added. */
  groupId: string;
  /** Logical topic names this consumer reads. */
  topics: string[];
  /** Logical name of the dead-letter topic for this group. */
  deadLetterTopic: string;
  handler: RecordHandler;
  partitionsConsumedConcurrently?: number;
  /**
   * Records of different keys handled at once within one partition (default 1: one record at a
   * time). Above 1, each fetched batch is split by key: a key's records are handled one after
   * another in offset order, different keys side by side, and the batch's offset is committed
   * once every record in it was handled or dead-lettered. Only for consumers whose records of
   * different keys are independent of each other.
   */
  keysConsumedConcurrently?: number;
  /** Attempts for errors that do not say whether they are retriable (bugs, surprises). */
  maxUnclassifiedAttempts?: number;
  /**
   * Classifies errors the handler leaves unclassified (libs/platform passes the database
   * classifier of libs/persistence): a retriable verdict retries, a permanent one dead-letters.
   * A permanent verdict also wins over a retriable AppError that wraps the refused value's
   * error (a repository that wrapped every database error as "unavailable"); any other AppError
   * keeps its own word.
   */
  classifyError?: (error: unknown) => AppError | undefined;
  log?: (level: 'info' | 'warn' | 'error', message: string, extra?: Record<string, unknown>) => void;
  /**
   * Called when the consumer moves past offsets it never hands to the handler (transaction
   * markers, aborted records) at the end of a partition's fetched batch; `nextOffset` is the next
   * offset it will read. A read barrier needs it: a high watermark counts those offsets too.
   */
  onSkippedOffsets?: (position: { logicalTopic: string; partition: number; nextOffset: string }) => Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Longest wait a dependency's `Retry-After` may impose on a partition before the next attempt. */
export const MAX_RETRY_AFTER_MS = 60_000;
/** The exponential backoff's base (the ceiling of the first retry's wait) and cap. */
export const RETRY_BASE_MS = 200;
export const RETRY_CAP_MS = 5_000;
const HEARTBEAT_STEP_MS = 3_000;

/**
 * The wait before retry `attempt` (1-based), with full jitter: uniform in
 * [0, min(RETRY_CAP_MS, RETRY_BASE_MS·2^(attempt−1))), so consumers that failed together do not
 * come back together — but never sooner than the dependency asked (`Retry-After`, up to
 * MAX_RETRY_AFTER_MS). `random` returns a number in [0, 1) (injectable for tests).
 */
export function retryDelay(attempt: number, retryAfterMs?: number, random: () => number = Math.random): number {
  const ceiling = Math.min(RETRY_CAP_MS, RETRY_BASE_MS * 2 ** Math.min(Math.max(attempt, 1) - 1, 10));
  const jittered = Math.floor(random() * ceiling);
  return retryAfterMs === undefined ? jittered : Math.max(jittered, Math.min(retryAfterMs, MAX_RETRY_AFTER_MS));
}

/** kafkajs error types that mean the group is rebalancing or forgot this member: rejoin now. */
const REJOIN_ERROR_TYPES = new Set([
  'REBALANCE_IN_PROGRESS',
  'NOT_COORDINATOR_FOR_GROUP',
  'ILLEGAL_GENERATION',
  'UNKNOWN_MEMBER_ID',
]);
const mustRejoin = (error: unknown): error is Error =>
  error instanceof Error && REJOIN_ERROR_TYPES.has(String((error as Error & { type?: unknown }).type));

/**
 * A consumer's state for /health: `up` (liveness) while it runs and has not crashed for good;
 * `ready` also needs no record to be waiting for an unavailable dependency.
 */
export interface ConsumerHealth {
  up: boolean;
  ready: boolean;
  detail: string;
}

/**
 * How a handler's error is treated: its own word when it is an AppError — unless it is retriable
 * and the classifier finds a permanent refusal inside it — else the classifier's; undefined:
 * unclassified.
 */
export function classifyFailure(
  error: unknown,
  classifyError?: (error: unknown) => AppError | undefined,
): AppError | undefined {
  const verdict = classifyError?.(error);
  if (!(error instanceof AppError)) return verdict;
  return error.retriable && verdict && !verdict.retriable ? verdict : error;
}

/**
 * Reads records one at a time per partition and commits each offset only after its handler
 * finished. Errors are classified: retriable ones are retried with backoff (the partition waits,
 * nothing is skipped); invalid or permanent ones, and unclassified ones after a few attempts,
 * go to the dead-letter topic with the reason, and then the offset is committed. No record is
 * ever committed without being handled or dead-lettered.
 */
export class RecordConsumer {
  private consumer: Consumer | undefined;
  private dlqProducer: Producer | undefined;
  private running = false;
  private crashed: string | undefined;
  private readonly assigned = new Set<string>();
  /** Records waiting for an unavailable dependency (`topic/partition@offset` → since, why). */
  private readonly waiting = new Map<string, { since: number; error: string }>();
  /**
   * The heartbeat's error once it found the group rebalancing (or this member forgotten), until
   * the next join. kafkajs rejoins only after every batch of its last fetch was handed to the
   * handler — with many partitions and few at a time, all of them: batches still waiting are left
   * for the partitions' next owners instead, so a joining instance gets its share at once.
   */
  private rejoin: Error | undefined;

  /** Throws the heartbeat's rebalance error while a rejoin is due (see `rejoin`). */
  private throwIfRejoining(): void {
    if (this.rejoin) throw this.rejoin;
  }

  constructor(
    private readonly kafka: Kafka,
    private readonly settings: KafkaSettings,
    private readonly options: RecordConsumerOptions,
  ) {}

  get groupId(): string {
    return groupFor(this.settings, this.options.groupId);
  }

  /**
   * Up (alive) while running and not crashed for good; ready unless a record is waiting for an
   * unavailable dependency (a retriable AppError): the consumer then makes no progress, and says so.
   */
  health(): ConsumerHealth {
    if (this.crashed) return { up: false, ready: false, detail: `consumer crashed: ${this.crashed}` };
    if (!this.running) return { up: false, ready: false, detail: 'consumer not running' };
    const [first] = this.waiting;
    if (first) {
      const [at, { since, error }] = first;
      const seconds = Math.round((Date.now() - since) / 1000);
      return {
        up: true,
        ready: false,
        detail: `group ${this.groupId}: ${this.waiting.size} record(s) waiting for a dependency, ${at} for ${seconds} s: ${error}`,
      };
    }
    return { up: true, ready: true, detail: `group ${this.groupId}, ${this.assigned.size} partitions` };
  }

  async start(): Promise<void> {
    const log = this.options.log ?? (() => undefined);
    this.dlqProducer = this.kafka.producer({ idempotent: true, allowAutoTopicCreation: false });
    await this.dlqProducer.connect();
    const consumer = this.kafka.consumer({
      groupId: this.groupId,
      sessionTimeout: 30_000,
      heartbeatInterval: 3_000,
      allowAutoTopicCreation: false,
      readUncommitted: false,
      retry: { retries: 10 },
    });
    this.consumer = consumer;
    consumer.on(consumer.events.CRASH, (e) => {
      const { error, restart } = e.payload as { error: Error; restart: boolean };
      log('error', `consumer ${this.groupId} crashed (restart: ${restart})`, { error: errorMessage(error) });
      if (!restart) this.crashed = errorMessage(error);
    });
    consumer.on(consumer.events.GROUP_JOIN, (e) => {
      this.rejoin = undefined;
      this.assigned.clear();
      for (const [topic, parts] of Object.entries(e.payload.memberAssignment)) {
        for (const p of parts) this.assigned.add(`${topic}/${p}`);
      }
    });
    const onSkipped = this.options.onSkippedOffsets;
    if (onSkipped) {
      consumer.on(consumer.events.END_BATCH_PROCESS, (e) => {
        const { topic, partition, batchSize, lastOffset } = e.payload;
        if (batchSize !== 0) return; // only batches made of markers/aborted records: nothing in them was handled
        onSkipped({
          logicalTopic: topic.startsWith(this.settings.topicPrefix)
            ? topic.slice(this.settings.topicPrefix.length)
            : topic,
          partition,
          nextOffset: (BigInt(lastOffset) + 1n).toString(),
        }).catch((error: unknown) =>
          log('warn', `onSkippedOffsets failed for ${topic}/${partition}`, { error: errorMessage(error) }),
        );
      });
    }
    await consumer.connect();
    await consumer.subscribe({
      topics: this.options.topics.map((t) => topicFor(this.settings, t)),
      fromBeginning: true,
    });
    this.running = true;
    const keys = this.options.keysConsumedConcurrently ?? 1;
    await consumer.run({
      autoCommit: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 1,
      ...(keys > 1
        ? { eachBatchAutoResolve: false, eachBatch: (payload) => this.processBatch(payload, keys) }
        : { eachMessage: (payload) => this.process(payload) }),
    });
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.allSettled([this.consumer?.disconnect(), this.dlqProducer?.disconnect()]);
  }

  private async process(payload: EachMessagePayload): Promise<void> {
    const { topic, partition, message } = payload;
    await this.handle(topic, partition, message, () => payload.heartbeat());
    await this.consumer?.commitOffsets([{ topic, partition, offset: (BigInt(message.offset) + 1n).toString() }]);
  }

  /**
   * One fetched batch of a partition, `concurrency` keys at a time (a key's records in order).
   * The offset after the batch is committed only when every record in it was handled or
   * dead-lettered; a batch cut short (shutdown, rebalance) commits nothing and comes back. Once a
   * heartbeat finds the group rebalancing, the records being handled finish, no other record of
   * this or any waiting batch starts, and the rebalance error goes back to kafkajs to rejoin.
   */
  private async processBatch(payload: EachBatchPayload, concurrency: number): Promise<void> {
    this.throwIfRejoining();
    const { batch } = payload;
    const heartbeat = () =>
      payload.heartbeat().catch((error: unknown) => {
        if (mustRejoin(error)) this.rejoin ??= error;
        throw error;
      });
    const byKey = new Map<string, KafkaMessage[]>();
    for (const message of batch.messages) {
      const key = message.key?.toString('utf8') ?? `offset:${message.offset}`;
      const queue = byKey.get(key);
      if (queue) queue.push(message);
      else byKey.set(key, [message]);
    }
    const queues = [...byKey.values()];
    const live = () => this.running && this.rejoin === undefined && payload.isRunning() && !payload.isStale();
    await Promise.all(
      Array.from({ length: Math.min(concurrency, queues.length) }, async () => {
        for (let queue = queues.shift(); queue && live(); queue = queues.shift()) {
          for (const message of queue) {
            if (!live()) return;
            await this.handle(batch.topic, batch.partition, message, heartbeat);
            // eachBatch does not heartbeat by itself (kafkajs throttles this to heartbeatInterval).
            await heartbeat().catch(() => undefined);
          }
        }
      }),
    );
    this.throwIfRejoining();
    if (!live() || batch.messages.length === 0) return;
    const next = (BigInt(batch.lastOffset()) + 1n).toString();
    await this.consumer?.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: next }]);
    payload.resolveOffset(batch.lastOffset());
  }

  /**
   * One record until it is handled or dead-lettered. Retriable errors are retried in place, the
   * partition waiting (heartbeats keep the membership; nothing behind the record is read, nothing
   * committed); while a dependency is unavailable the consumer reports not-ready.
   */
  private async handle(
    topic: string,
    partition: number,
    message: KafkaMessage,
    heartbeat: () => Promise<void>,
  ): Promise<void> {
    const logicalTopic = topic.startsWith(this.settings.topicPrefix)
      ? topic.slice(this.settings.topicPrefix.length)
      : topic;
    const record: IncomingRecord = {
      topic,
      logicalTopic,
      partition,
      offset: message.offset,
      key: message.key ? message.key.toString('utf8') : null,
      value: message.value,
      headers: message.headers ?? {},
      timestamp: message.timestamp,
    };
    const at = `${topic}/${partition}@${message.offset}`;
    try {
      await this.handleUntilSettled(record, at, heartbeat);
    } finally {
      this.waiting.delete(at);
    }
  }

  private async handleUntilSettled(record: IncomingRecord, at: string, heartbeat: () => Promise<void>): Promise<void> {
    const maxUnclassified = this.options.maxUnclassifiedAttempts ?? 5;
    let unclassifiedAttempts = 0;
    let attempt = 0;
    for (;;) {
      try {
        await this.options.handler(record);
        kafkaMetrics.messages.inc({ group: this.options.groupId, topic: record.logicalTopic, outcome: 'handled' });
        if (attempt > 0) this.options.log?.('info', `handled ${at} after ${attempt} retries`);
        return;
      } catch (error) {
        if (!this.running) throw error; // shutting down: leave the offset uncommitted
        const verdict = classifyFailure(error, this.options.classifyError);
        if (verdict && !verdict.retriable) {
          await this.deadLetter(record, verdict, 'permanent');
          return;
        }
        if (!verdict && ++unclassifiedAttempts >= maxUnclassified) {
          await this.deadLetter(record, error, `unclassified error after ${unclassifiedAttempts} attempts`);
          return;
        }
        // A dependency is unavailable: not ready until it answers (an outage is never dead-lettered).
        if (verdict && !this.waiting.has(at)) this.waiting.set(at, { since: Date.now(), error: errorMessage(error) });
        attempt++;
        kafkaMetrics.messages.inc({ group: this.options.groupId, topic: record.logicalTopic, outcome: 'retried' });
        this.options.log?.('warn', `retrying ${at}`, { attempt, error: errorMessage(error) });
        await this.waitBeforeRetry(retryDelay(attempt, verdict?.retryAfterMs), heartbeat);
        // stop() may have run while this record waited.
        // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition
        if (!this.running) throw error;
      }
    }
  }

  /**
   * Waits in short steps, heartbeating so a long wait does not cost the partition, until stopped.
   * A heartbeat that finds the group rebalancing (or this member forgotten) ends the wait with that
   * error: kafkajs then rejoins at once instead of stalling the group, the offset stays
   * uncommitted, and the record is redelivered to the partition's next owner.
   */
  private async waitBeforeRetry(delayMs: number, heartbeat: () => Promise<void>): Promise<void> {
    const until = Date.now() + delayMs;
    do {
      await sleep(Math.min(HEARTBEAT_STEP_MS, Math.max(0, until - Date.now())));
      await heartbeat().catch((error: unknown) => {
        if (mustRejoin(error)) throw error;
      });
    } while (this.running && Date.now() < until);
  }

  private async deadLetter(record: IncomingRecord, error: unknown, kind: string): Promise<void> {
    const reason = errorMessage(error);
    this.options.log?.('warn', `dead-lettering ${record.topic}/${record.partition}@${record.offset}: ${reason}`);
    const headers: Record<string, string | Buffer> = {};
    for (const [k, v] of Object.entries(record.headers)) {
      const first = Array.isArray(v) ? v[0] : v;
      if (first !== undefined) headers[k] = first;
    }
    Object.assign(headers, {
      'x-reclaim-dlq-reason': reason.slice(0, 2000),
      'x-reclaim-dlq-kind': kind,
      'x-reclaim-dlq-error-code': error instanceof AppError ? error.code : 'UNCLASSIFIED',
      'x-reclaim-dlq-group': this.groupId,
      'x-reclaim-dlq-source': `${record.topic}/${record.partition}@${record.offset}`,
      'x-reclaim-dlq-at': new Date().toISOString(),
    });
    const producer = this.dlqProducer;
    if (!producer) throw new Error('RecordConsumer.deadLetter called before start()');
    await producer.send({
      topic: topicFor(this.settings, this.options.deadLetterTopic),
      acks: -1,
      messages: [{ key: record.key, value: record.value, headers }],
    });
    kafkaMetrics.messages.inc({ group: this.options.groupId, topic: record.logicalTopic, outcome: 'dead_lettered' });
  }
}
