import { Inject, Injectable, Logger } from '@nestjs/common';
import { ThrottlerStorageService } from '@nestjs/throttler';
import { Counter, register } from 'prom-client';
import { DataSource } from 'typeorm';
import { Contracts, type Click, type ResumeLink } from '@reclaim/contracts';
import { errorMessage, newId } from '@reclaim/core';
import { EventPublisher } from '@reclaim/kafka';
import { INGESTION_CONFIG, type IngestionConfig } from '../config';
import { creditedClickId, judgeClick, prefetchReason } from './domain/click-classification';

/** Clicks per touch are counted over this sliding window (RESUME_RECORD_LIMIT). */
const RECORD_WINDOW_MS = 60_000;

const clicksCounter =
  (register.getSingleMetric('reclaim_ingestion_clicks_total') as Counter | undefined) ??
  new Counter({
    name: 'reclaim_ingestion_clicks_total',
    help: 'Resume-link hits with a valid token, by outcome (first, repeat, prefetch, over_limit, failed).',
    labelNames: ['outcome'],
  });

export interface ClickRequest {
  method: 'GET' | 'HEAD';
  userAgent: string | undefined;
  at: Date;
}

/** What one hit recorded; undefined when nothing was (over the limit, or the bookkeeping failed). */
export type ClickOutcome = Click | undefined;

/** The hits store for the per-touch limit: an in-memory sliding window per instance. */
export const RESUME_HITS = Symbol('RESUME_HITS');

/**
 * Records resume-link hits as `clicked` deliveries. The first shopper-like hit on a touch claims
 * the touch in Postgres and publishes the credited click (delivery id `<touchId>:clicked`); the
 * claim commits only after Kafka acknowledged, so a failed publish leaves the touch unclaimed for
 * the next click, and a concurrent hit waits on the claim's key and then sees a repeat. Prefetches
 * never claim. Never throws: a Postgres or Kafka failure loses the bookkeeping, logged.
 */
@Injectable()
export class ResumeClicksService {
  private readonly logger = new Logger(ResumeClicksService.name);

  constructor(
    private readonly db: DataSource,
    private readonly publisher: EventPublisher,
    @Inject(RESUME_HITS) private readonly hits: ThrottlerStorageService,
    @Inject(INGESTION_CONFIG) private readonly config: IngestionConfig,
  ) {}

  async record(link: ResumeLink, request: ClickRequest): Promise<ClickOutcome> {
    try {
      const { isBlocked } = await this.hits.increment(
        `${link.storeId}\u0000${link.touchId}`,
        RECORD_WINDOW_MS,
        this.config.RESUME_RECORD_LIMIT,
        0,
        'resume',
      );
      if (isBlocked) {
        clicksCounter.inc({ outcome: 'over_limit' });
        return undefined;
      }
      const prefetch = prefetchReason({
        method: request.method,
        userAgent: request.userAgent,
        issuedAt: link.issuedAt,
        now: request.at,
        prefetchWindowMs: this.config.RESUME_PREFETCH_WINDOW_MS,
      });
      const click =
        prefetch !== undefined
          ? await this.publish(link, judgeClick(prefetch, false), request.at)
          : await this.db.transaction(async (tx) => {
              const claimed: unknown[] = await tx.query(
                `INSERT INTO resume_clicks (store_id, touch_id) VALUES ($1, $2)
                 ON CONFLICT (store_id, touch_id) DO NOTHING RETURNING touch_id`,
                [link.storeId, link.touchId],
              );
              return this.publish(link, judgeClick(undefined, claimed.length === 1), request.at);
            });
      clicksCounter.inc({ outcome: click.kind });
      return click;
    } catch (error) {
      clicksCounter.inc({ outcome: 'failed' });
      this.logger.error(`click not recorded for touch ${link.touchId}: ${errorMessage(error)}`);
      return undefined;
    }
  }

  /** Publishes the click; gives up after INGESTION_KAFKA_TIMEOUT_MS so a claim is never held long. */
  private async publish(link: ResumeLink, click: Click, at: Date): Promise<Click> {
    const sent = this.publisher.publish(Contracts.delivery, [
      {
        deliveryId: click.credited ? creditedClickId(link.touchId) : `${link.touchId}:clicked:${newId()}`,
        touchId: link.touchId,
        storeId: link.storeId,
        cartId: link.cartId,
        channel: link.channel,
        status: 'clicked',
        click,
        at: at.toISOString(),
      },
    ]);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`Kafka did not acknowledge within ${this.config.INGESTION_KAFKA_TIMEOUT_MS} ms`)),
        this.config.INGESTION_KAFKA_TIMEOUT_MS,
      );
    });
    try {
      // A credited click that lands after the timeout carries the same delivery id as a later retry's.
      await Promise.race([sent, timeout]);
    } finally {
      clearTimeout(timer);
      sent.catch(() => undefined);
    }
    return click;
  }
}
