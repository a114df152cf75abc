import { Inject, Injectable, Logger } from '@nestjs/common';
import { Counter, register } from 'prom-client';
import { DataSource, type QueryRunner } from 'typeorm';
import { Contracts, type StorefrontEvent } from '@reclaim/contracts';
import { AppError, DependencyUnavailableError, errorMessage, InvalidInputError, systemClock } from '@reclaim/core';
import { AtomicSendGivenUpError, EventPublisher, PublisherSaturatedError } from '@reclaim/kafka';
import { classifyDatabaseError } from '@reclaim/persistence';
import { INGESTION_CONFIG, type IngestionConfig } from '../config';
import { AcceptedEventsRepository } from './accepted-events.repository';
import { countShed, OVERLOAD_RETRY_AFTER_S, type Admission } from './admission';
import { dedupeAndOrder } from './domain/batch';
import { consentChanges } from './domain/consent-suppressions';
import { suppressionsForOrder } from './domain/order-suppressions';
import { StoreRateLimiter } from './domain/store-rate-limit';
import { ClientGone, DeadlinePassed, RefusedError } from './refused.error';
import { rateLimited } from './store-rate-limit.guard';

const STATEMENT_GRACE_MS = 250;
const OVERLOADED_MESSAGE =
  'this instance is at capacity: nothing from this batch was accepted; retry with the same ids';

export interface IngestResult {
  accepted: number;
  duplicates: number;
}

const eventsCounter =
  (register.getSingleMetric('reclaim_ingestion_events_total') as Counter | undefined) ??
  new Counter({
    name: 'reclaim_ingestion_events_total',
    help: 'Events received on POST /v1/events, by outcome (accepted, duplicate, rejected).',
    labelNames: ['outcome'],
  });

@Injectable()
export class EventsService {
  constructor(
    private readonly db: DataSource,
    private readonly accepted: AcceptedEventsRepository,
    private readonly publisher: EventPublisher,
    private readonly limiter: StoreRateLimiter,
    @Inject(INGESTION_CONFIG) private readonly config: IngestionConfig,
  ) {}

  private readonly log = new Logger(EventsService.name);

  countRejected(n: number): void {
    eventsCounter.inc({ outcome: 'rejected' }, n);
  }

  /**
   * Accepts a validated batch. A transactional producer is reserved first (a bounded wait), then
   * the new ids are claimed in a Postgres transaction and the events — plus the suppressions of
   * any order.completed, the consent withdrawals and the tombstones of consent granted again —
   * are written to Kafka in one transaction; the claim commits only if Kafka committed, so a
   * failure leaves nothing accepted and the client retries with the same ids. The request's
   * admission signal ends the work at its deadline (counted from arrival) or when the client
   * leaves: before the Kafka commit began, nothing is accepted; if the commit was under way the
   * claim follows its outcome later (a retry then sees duplicates, never a second copy).
   */
  async ingest(
    storeId: string,
    events: ReadonlyArray<StorefrontEvent>,
    admission: Admission = this.unbounded(),
  ): Promise<IngestResult> {
    const { signal } = admission;
    if (signal.aborted) throw this.refusal(signal.reason, 'waiting');
    const verdict = this.limiter.take(storeId, { events: events.length });
    if (!verdict.ok) throw rateLimited(verdict, this.limiter.limits.windowMs);
    const receivedAt = systemClock.now();
    const { unique } = dedupeAndOrder(events);
    // Filled in by the claim, once a producer is reserved. `suppressing`: the batch wrote
    // suppressions (an order, a consent withdrawal).
    const outcome: { accepted: StorefrontEvent[]; suppressing: boolean } = { accepted: [], suppressing: false };
    let claim: QueryRunner | undefined;
    try {
      await this.publisher.sendAtomically(
        async () => {
          claim = this.db.createQueryRunner();
          await claim.connect();
          await claim.startTransaction();
          // A claim waiting on a lock another request holds on the same ids is cancelled just after
          // the deadline (which answers the request), so its connection comes back.
          const remaining = Math.max(1, admission.deadlineAt - Date.now()) + STATEMENT_GRACE_MS;
          await claim.query(`SELECT set_config('statement_timeout', $1, true)`, [String(remaining)]);
          const fresh = await this.accepted.claimNew(
            claim.manager,
            storeId,
            unique.map((e) => e.id),
          );
          const accepted = unique.filter((e) => fresh.has(e.id));
          outcome.accepted = accepted;
          const messages = accepted.flatMap((event) => {
            const consent = consentChanges(storeId, event, receivedAt);
            const suppressions = [...suppressionsForOrder(storeId, event, receivedAt), ...consent.withdrawals];
            return [
              this.publisher.message(Contracts.storefrontEvent, {
                storeId,
                receivedAt: receivedAt.toISOString(),
                event,
              }),
              ...suppressions.map((s) => this.publisher.message(Contracts.suppression, s)),
              ...consent.lifted.map((scope) => this.publisher.tombstone(Contracts.suppression.topic, scope)),
            ];
          });
          outcome.suppressing = messages.some(
            (m) => m.topic.endsWith(Contracts.suppression.topic.name) && m.value !== null,
          );
          return messages;
        },
        { signal },
      );
    } catch (error) {
      if (error instanceof AtomicSendGivenUpError) {
        // The claim (if it was started) commits only if the Kafka transaction did.
        void error.committed.then((committed) => this.finish(() => claim, committed)).catch(() => undefined);
        throw this.refusal(error.reason, error.phase, error);
      }
      await this.finish(() => claim, false);
      if (error instanceof PublisherSaturatedError) {
        countShed('producer_queue_full');
        throw new RefusedError(503, 'overloaded', OVERLOADED_MESSAGE, OVERLOAD_RETRY_AFTER_S * 1_000, { cause: error });
      }
      if (error instanceof AppError) throw error;
      // A value the event store refuses for good is the client's to fix (400), never an outage
      // to retry (503): the edge's rules should have caught it first (libs/contracts/src/text.ts).
      const classified = classifyDatabaseError(error);
      if (classified instanceof InvalidInputError) {
        throw new InvalidInputError(classified.message, [
          { path: '', message: 'the batch holds a value that cannot be stored' },
        ]);
      }
      throw new DependencyUnavailableError(`event store unavailable: ${errorMessage(error)}`, { cause: error });
    }
    await this.finish(() => claim, true);
    const { accepted, suppressing } = outcome;
    if (suppressing) {
      // The suppression guarantee's guard interval (ADR 0005): see INGESTION_ORDER_ACK_GUARD_MS.
      // A consent withdrawal gets the same promise as an order: nothing is handed over after its 202.
      await new Promise((resolve) => setTimeout(resolve, this.config.INGESTION_ORDER_ACK_GUARD_MS));
    }
    eventsCounter.inc({ outcome: 'accepted' }, accepted.length);
    eventsCounter.inc({ outcome: 'duplicate' }, events.length - accepted.length);
    return { accepted: accepted.length, duplicates: events.length - accepted.length };
  }

  /** Commits or rolls back the claim's transaction (if one was opened) and frees its connection. */
  private async finish(claim: () => QueryRunner | undefined, commit: boolean): Promise<void> {
    const runner = claim();
    if (!runner) return;
    try {
      if (runner.isTransactionActive) {
        if (commit) await runner.commitTransaction();
        else await runner.rollbackTransaction();
      }
    } catch (error) {
      // After a Kafka commit this leaves the events unclaimed: a retry would publish them again.
      if (commit) this.log.error(`claim did not commit after Kafka did: ${errorMessage(error)}`);
      if (commit) throw new DependencyUnavailableError(`event store unavailable: ${errorMessage(error)}`);
    } finally {
      await runner.release().catch(() => undefined);
    }
  }

  /** The answer to work ended by its signal: the client left, or the deadline passed. */
  private refusal(reason: unknown, phase: string, cause?: unknown): AppError {
    if (reason instanceof ClientGone) {
      countShed('client_gone');
      return new RefusedError(503, 'client_gone', reason.message, 0, { cause });
    }
    if (reason instanceof DeadlinePassed) {
      countShed('deadline');
      // Still waiting for a producer: the instance is busy; later, a dependency is slow.
      const retryAfterMs = phase === 'waiting' ? 2_000 : 5_000;
      return new RefusedError(
        503,
        'deadline_exceeded',
        `${reason.message} (while ${phase}): nothing from this batch was accepted; retry with the same ids`,
        retryAfterMs,
        { cause },
      );
    }
    return new DependencyUnavailableError(`Kafka did not acknowledge: ${errorMessage(reason)}`, { cause });
  }

  /** Callers without a request (none today) get the deadline from now and no client to lose. */
  private unbounded(): Admission {
    const now = Date.now();
    return {
      arrivedAt: now,
      deadlineAt: now + this.config.INGESTION_KAFKA_TIMEOUT_MS,
      signal: AbortSignal.timeout(this.config.INGESTION_KAFKA_TIMEOUT_MS),
    };
  }
}
