import { Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { ConsumerGroups, Contracts, deadLetterTopicSpec, Topics, type ConsumerGroupId } from '@reclaim/contracts';
import { DependencyUnavailableError, errorMessage, InvalidInputError, type AppError } from '@reclaim/core';
import {
  fetchCommittedOffsets,
  groupFor,
  HighWatermarkReader,
  type Kafka,
  parseRecord,
  RecordConsumer,
  topicFor,
  type IncomingRecord,
  type KafkaSettings,
} from '@reclaim/kafka';
import { classifyDatabaseError } from '@reclaim/persistence';
import { nestRecordLog } from '@reclaim/platform';
import {
  candidateScopes,
  caughtUp,
  staleViewSigns,
  judgeSuppression,
  type Recipient,
  type SuppressionVerdict,
} from './domain/suppression-match';
import {
  FAIL_CLOSED_SUPPRESSED_AT,
  type SuppressionChange,
  type SuppressionViewRepository,
} from './suppression-view.repository';

export interface SuppressionViewOptions {
  /** The service's consumer group; the view reads in `<group>.suppression-view` and dead-letters to the group's DLQ. */
  group: ConsumerGroupId;
  /** How long `catchUp()` waits for the view before giving up with a retriable error. */
  barrierTimeoutMs: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** How long start-up checks against the topic are retried before the service gives up. */
const START_RETRY_MS = 30_000;

/**
 * The service's materialised view of `reclaim.suppressions.v1`, kept in its own Postgres schema
 * by a consumer of its own (never the service's main transport, so a send waiting on the barrier
 * never blocks the view). Before deciding to send, call `catchUp()` then `isSuppressed()`: a
 * suppression acknowledged by Kafka before `catchUp()` started is then seen.
 */
export class SuppressionView implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(SuppressionView.name);
  private consumer: RecordConsumer | undefined;
  private readonly watermarks: HighWatermarkReader;
  /** The barrier round callers join now (it has not read the watermarks yet), and the one running. */
  private nextRound: Promise<number> | undefined;
  private roundInFlight: Promise<void> | undefined;
  /** Verdicts asked for in this turn of the event loop, looked up together. */
  private lookups:
    Array<{ recipient: Recipient; resolve: (v: SuppressionVerdict) => void; reject: (e: unknown) => void }> | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly settings: KafkaSettings,
    private readonly repository: SuppressionViewRepository,
    private readonly options: SuppressionViewOptions,
  ) {
    this.watermarks = new HighWatermarkReader(kafka);
  }

  get groupId(): string {
    return `${ConsumerGroups[this.options.group]}.suppression-view`;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  async start(): Promise<void> {
    if (this.consumer) return;
    await this.untilDone(() => this.forgetAnotherTopic());
    this.consumer = new RecordConsumer(this.kafka, this.settings, {
      groupId: this.groupId,
      topics: [Topics.suppressions.name],
      deadLetterTopic: deadLetterTopicSpec(this.options.group).name,
      partitionsConsumedConcurrently: Topics.suppressions.partitions,
      // No classifyError: `apply` classifies database errors itself, because the view's position
      // must move in the same transaction as the record's effect (or its fail-closed stand-in).
      handler: (record) => this.apply(record),
      onSkippedOffsets: ({ partition, nextOffset }) => this.advancePast(partition, nextOffset),
      log: nestRecordLog(this.logger),
    });
    await this.consumer.start();
  }

  /**
   * The view lives in Postgres and can outlive its topic: a broker recreated without its data (a
   * new local broker, a Kafka cluster rebuilt) or a topic deleted and created again starts the
   * suppression topic again at offset 0. Kept, the stored positions would make the view skip the
   * new topic's records as redeliveries and pass the barrier without them. Two signs give it away,
   * and either makes the view start over and rebuild from the topic (compacted: one record per
   * scope):
   * - a stored position past a partition's end;
   * - a partition the view has read (position > 0) on which Kafka holds no commit of the view's
   *   group: the group's offsets live in the cluster and go with the topic, so this also catches
   *   a new topic that has already grown past the stored positions. (Group offsets that expired
   *   while every instance was down for longer than `offsets.retention.minutes`, or a partition
   *   that holds only aborted transactions, also trigger it: a needless rebuild, never a skipped
   *   record.)
   */
  /**
   * Runs a start-up step again while it fails, for up to START_RETRY_MS: a topic created moments
   * ago can still answer "not the leader" (or be unknown) until its metadata has spread.
   */
  private async untilDone(step: () => Promise<void>): Promise<void> {
    const deadline = Date.now() + START_RETRY_MS;
    for (let delay = 100; ; delay = Math.min(delay * 2, 2_000)) {
      try {
        await step();
        return;
      } catch (error) {
        if (Date.now() + delay > deadline) throw error;
        this.logger.warn({ msg: 'suppression view: start-up check failed, retrying', error: errorMessage(error) });
        await sleep(delay);
      }
    }
  }

  private async forgetAnotherTopic(): Promise<void> {
    const topic = topicFor(this.settings, Topics.suppressions.name);
    const [highWatermarks, committed, positions] = await Promise.all([
      this.watermarks.highWatermarks(topic),
      fetchCommittedOffsets(this.kafka, groupFor(this.settings, this.groupId), topic),
      this.positions(),
    ]);
    const signs = staleViewSigns(positions, highWatermarks, committed);
    if (signs.length === 0) return;
    this.logger.warn({
      msg: 'suppression view describes another life of its topic (recreated?): rebuilding it from the topic',
      partitions: signs,
    });
    await this.repository.reset();
  }

  async stop(): Promise<void> {
    const consumer = this.consumer;
    this.consumer = undefined;
    await Promise.allSettled([consumer?.stop(), this.watermarks.disconnect()]);
  }

  health(): { up: boolean; detail: string } {
    return this.consumer?.health() ?? { up: false, detail: 'suppression view not started' };
  }

  /**
   * The read barrier: resolves once the view has applied everything the suppression topic held
   * when it was called, and says when the round that proved it started (epoch ms, taken before its
   * watermark read — the moment a send's freshness bound counts from). Throws a retriable
   * DependencyUnavailableError when that takes longer than the barrier timeout or the view's
   * consumer is down, so the caller's record is redelivered rather than sent unchecked.
   *
   * Callers share rounds (group commit): a call joins the next round that has not yet read the
   * watermarks, which starts as soon as the round in flight ends. A round that starts after the
   * call started sees everything acknowledged before the call, so one watermark read and one
   * view catch-up clear every touch that asked meanwhile.
   */
  catchUp(): Promise<number> {
    if (this.nextRound) return this.nextRound;
    const round = (async () => {
      await this.roundInFlight?.catch(() => undefined);
      this.nextRound = undefined; // from here on, a new caller needs a round that starts after it
      const startedAt = Date.now();
      const inFlight = this.catchUpOnce();
      this.roundInFlight = inFlight;
      await inFlight;
      return startedAt;
    })();
    this.nextRound = round;
    return round;
  }

  /** One round of the barrier: every partition's position ≥ its true high watermark as read now (not the last stable offset, which lags behind a just-committed transaction). */
  private async catchUpOnce(): Promise<void> {
    let highWatermarks: Map<number, bigint>;
    try {
      highWatermarks = await this.watermarks.highWatermarks(topicFor(this.settings, Topics.suppressions.name));
    } catch (error) {
      throw new DependencyUnavailableError(`suppression barrier: cannot read high watermarks: ${errorMessage(error)}`, {
        cause: error,
      });
    }
    const deadline = Date.now() + this.options.barrierTimeoutMs;
    let delay = 5;
    for (;;) {
      const positions = await this.positions();
      if (caughtUp(positions, highWatermarks)) return;
      const health = this.health();
      if (!health.up) throw new DependencyUnavailableError(`suppression view is not running: ${health.detail}`);
      if (Date.now() >= deadline) {
        const behind = [...highWatermarks]
          .filter(([p, high]) => (positions.get(p) ?? 0n) < high)
          .map(([p, high]) => `p${p} at ${positions.get(p) ?? 0n} < ${high}`);
        throw new DependencyUnavailableError(
          `suppression view did not catch up within ${this.options.barrierTimeoutMs} ms (${behind.join(', ')})`,
        );
      }
      await sleep(delay);
      delay = Math.min(delay * 2, 50);
    }
  }

  /**
   * Whether any suppression in the view stops a message to this recipient (call `catchUp()` first).
   * Lookups asked for in the same turn of the event loop share one query.
   */
  isSuppressed(recipient: Recipient): Promise<SuppressionVerdict> {
    return new Promise((resolve, reject) => {
      if (!this.lookups) {
        this.lookups = [];
        setImmediate(() => void this.lookUp());
      }
      this.lookups.push({ recipient, resolve, reject });
    });
  }

  private async lookUp(): Promise<void> {
    const batch = this.lookups ?? [];
    this.lookups = undefined;
    try {
      const scopes = [...new Set(batch.flatMap(({ recipient }) => candidateScopes(recipient)))];
      const entries = await this.repository.findByScopes(scopes);
      for (const { recipient, resolve } of batch) resolve(judgeSuppression(recipient, entries));
    } catch (error) {
      const unavailable = new DependencyUnavailableError(`suppression view unreadable: ${errorMessage(error)}`, {
        cause: error,
      });
      for (const { reject } of batch) reject(unavailable);
    }
  }

  private async positions(): Promise<Map<number, bigint>> {
    try {
      return await this.repository.positions();
    } catch (error) {
      throw new DependencyUnavailableError(`suppression view unreadable: ${errorMessage(error)}`, { cause: error });
    }
  }

  /** One record of the topic → the view, idempotently (the position moves in the same transaction). */
  private async apply(record: IncomingRecord): Promise<void> {
    let change: SuppressionChange;
    let invalid: AppError | undefined;
    if (record.value === null || record.value.length === 0) {
      // A tombstone: compaction's way of lifting a suppression.
      if (record.key) change = { kind: 'delete', scope: record.key };
      else {
        change = { kind: 'none' };
        invalid = new InvalidInputError('suppression tombstone without a key');
      }
    } else {
      try {
        change = { kind: 'upsert', suppression: parseRecord(Contracts.suppression, record).payload };
      } catch (error) {
        if (!(error instanceof InvalidInputError)) throw error;
        // Unreadable: the position still moves past it (the barrier must not wait for it forever),
        // and the record goes to the dead-letter topic with the reason.
        change = { kind: 'none' };
        invalid = error;
      }
    }
    let applied: boolean;
    try {
      applied = await this.repository.applyAt(record.partition, record.offset, change);
    } catch (error) {
      const verdict = classifyDatabaseError(error);
      // Never dead-letter a suppression because Postgres blinked: retry until it is applied.
      if (!verdict || verdict.retriable) {
        throw new DependencyUnavailableError(`suppression view: cannot apply: ${errorMessage(error)}`, {
          cause: error,
        });
      }
      // The database refuses one of its values for good (texts are stored escaped, so only a time
      // PostgreSQL does not know is left): keep the scope suppressed — fail closed — move past it,
      // and dead-letter the record with the reason.
      applied = await this.applyFailClosed(record, change);
      invalid = verdict;
    }
    if (invalid && applied) throw invalid;
  }

  /** The refused record's scope, suppressed as widely as it can be; or just the position moved. */
  private async applyFailClosed(record: IncomingRecord, change: SuppressionChange): Promise<boolean> {
    const fallback: SuppressionChange =
      change.kind === 'upsert'
        ? { kind: 'upsert', suppression: { ...change.suppression, suppressedAt: FAIL_CLOSED_SUPPRESSED_AT } }
        : { kind: 'none' };
    try {
      return await this.repository.applyAt(record.partition, record.offset, fallback);
    } catch (error) {
      throw new DependencyUnavailableError(`suppression view: cannot apply: ${errorMessage(error)}`, { cause: error });
    }
  }

  /**
   * Moves past transaction markers. kafkajs reports them once (it will not fetch them again), so a
   * failed write is retried here until it lands or the view stops; otherwise the barrier would
   * wait for an offset that no record will ever fill.
   */
  private async advancePast(partition: number, nextOffset: string): Promise<void> {
    for (let attempt = 0; this.consumer; attempt++) {
      try {
        await this.repository.advanceTo(partition, nextOffset);
        return;
      } catch (error) {
        this.logger.warn({
          msg: 'suppression view: cannot record position, retrying',
          partition,
          error: errorMessage(error),
        });
        await sleep(Math.min(5_000, 100 * 2 ** Math.min(attempt, 6)));
      }
    }
  }
}
