import { Inject, Injectable } from '@nestjs/common';
import { Counter, register } from 'prom-client';
import { DataSource } from 'typeorm';
import { Contracts, type StorefrontEvent } from '@reclaim/contracts';
import { AppError, DependencyUnavailableError, errorMessage, systemClock } from '@reclaim/core';
import { EventPublisher } from '@reclaim/kafka';
import { INGESTION_CONFIG, type IngestionConfig } from '../config';
import { AcceptedEventsRepository } from './accepted-events.repository';
import { dedupeAndOrder } from './domain/batch';
import { consentChanges } from './domain/consent-suppressions';
import { suppressionsForOrder } from './domain/order-suppressions';

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
    @Inject(INGESTION_CONFIG) private readonly config: IngestionConfig,
  ) {}

  countRejected(n: number): void {
    eventsCounter.inc({ outcome: 'rejected' }, n);
  }

  /**
   * Accepts a validated batch. New ids are claimed in Postgres and the events — plus the
   * suppressions of any order.completed, the consent withdrawals and the tombstones of consent
   * granted again — are written to Kafka in one transaction; the claim commits only after Kafka
   * acknowledged, so a failure leaves nothing accepted and the client retries with the same ids.
   */
  async ingest(storeId: string, events: ReadonlyArray<StorefrontEvent>): Promise<IngestResult> {
    const receivedAt = systemClock.now();
    const { unique } = dedupeAndOrder(events);
    let accepted: StorefrontEvent[];
    let suppressing: boolean; // the batch wrote suppressions (an order, a consent withdrawal)
    try {
      ({ accepted, suppressing } = await this.db.transaction(async (tx) => {
        const fresh = await this.accepted.claimNew(
          tx,
          storeId,
          unique.map((e) => e.id),
        );
        const toSend = unique.filter((e) => fresh.has(e.id));
        const messages = toSend.flatMap((event) => {
          const consent = consentChanges(storeId, event, receivedAt);
          const suppressions = [...suppressionsForOrder(storeId, event, receivedAt), ...consent.withdrawals];
          return [
            this.publisher.message(Contracts.storefrontEvent, { storeId, receivedAt: receivedAt.toISOString(), event }),
            ...suppressions.map((s) => this.publisher.message(Contracts.suppression, s)),
            ...consent.lifted.map((scope) => this.publisher.tombstone(Contracts.suppression.topic, scope)),
          ];
        });
        await this.publisher.sendAtomically(messages);
        const suppressing = messages.some(
          (m) => m.topic.endsWith(Contracts.suppression.topic.name) && m.value !== null,
        );
        return { accepted: toSend, suppressing };
      }));
    } catch (error) {
      if (error instanceof AppError) throw error;
      throw new DependencyUnavailableError(`event store unavailable: ${errorMessage(error)}`, { cause: error });
    }
    if (suppressing) {
      // The suppression guarantee's guard interval (ADR 0005): see INGESTION_ORDER_ACK_GUARD_MS.
      // A consent withdrawal gets the same promise as an order: nothing is handed over after its 202.
      await new Promise((resolve) => setTimeout(resolve, this.config.INGESTION_ORDER_ACK_GUARD_MS));
    }
    eventsCounter.inc({ outcome: 'accepted' }, accepted.length);
    eventsCounter.inc({ outcome: 'duplicate' }, events.length - accepted.length);
    return { accepted: accepted.length, duplicates: events.length - accepted.length };
  }
}
