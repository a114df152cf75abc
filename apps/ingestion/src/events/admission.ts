import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { Counter, Gauge, register } from 'prom-client';
import { EventPublisher } from '@reclaim/kafka';
import { HealthRegistry } from '@reclaim/platform';
import { INGESTION_CONFIG, type IngestionConfig } from '../config';
import { ClientGone, DeadlinePassed } from './refused.error';

/** What a request admitted to POST /v1/events carries: its deadline and a signal that ends its work. */
export interface Admission {
  arrivedAt: number;
  /** Date.now() value past which the request is answered 503 and nothing of it is accepted. */
  deadlineAt: number;
  /** Aborts with DeadlinePassed at the deadline, or ClientGone when the connection closes first. */
  signal: AbortSignal;
}

export interface AdmittedRequest extends Request {
  admission?: Admission;
}

/** Retry-After of a request shed at the door: the instance is busy, not broken. */
export const OVERLOAD_RETRY_AFTER_S = 1;
/** An instance that shed a request this recently still reports itself not ready. */
const SATURATION_MEMORY_MS = 1_000;

const shedCounter =
  (register.getSingleMetric('reclaim_ingestion_shed_total') as Counter | undefined) ??
  new Counter({
    name: 'reclaim_ingestion_shed_total',
    help: 'POST /v1/events requests answered 503 or dropped without being accepted, by reason.',
    labelNames: ['reason'],
  });
const inFlightGauge =
  (register.getSingleMetric('reclaim_ingestion_in_flight') as Gauge | undefined) ??
  new Gauge({ name: 'reclaim_ingestion_in_flight', help: 'POST /v1/events requests admitted and not yet answered.' });

export const countShed = (reason: 'overloaded' | 'deadline' | 'client_gone' | 'producer_queue_full'): void =>
  shedCounter.inc({ reason });

/**
 * The in-flight cap of this instance (INGESTION_MAX_IN_FLIGHT). Readiness reports the instance
 * not ready while it is full or has just shed a request, so a balancer takes it out of rotation;
 * liveness does not look (a busy instance must not be restarted).
 */
@Injectable()
export class AdmissionControl {
  private inFlight = 0;
  private lastShedAt = Number.NEGATIVE_INFINITY;

  constructor(
    @Inject(INGESTION_CONFIG) private readonly config: IngestionConfig,
    private readonly publisher: EventPublisher,
    health: HealthRegistry,
  ) {
    health.register('admission', () => this.state(), { readinessOnly: true });
  }

  tryEnter(): boolean {
    if (this.inFlight >= this.config.INGESTION_MAX_IN_FLIGHT) {
      this.lastShedAt = Date.now();
      countShed('overloaded');
      return false;
    }
    this.inFlight++;
    inFlightGauge.set(this.inFlight);
    return true;
  }

  leave(): void {
    this.inFlight--;
    inFlightGauge.set(this.inFlight);
  }

  state(): { up: boolean; detail: string } {
    const max = this.config.INGESTION_MAX_IN_FLIGHT;
    const pool = this.publisher.transactionalPoolState();
    const detail = `${this.inFlight}/${max} requests in flight, ${pool.idle}/${pool.size} producers idle, ${pool.waiting} waiting, ${pool.replaced} replaced after a failed commit or abort`;
    if (this.inFlight >= max) return { up: false, detail: `saturated: ${detail}` };
    if (Date.now() - this.lastShedAt < SATURATION_MEMORY_MS) return { up: false, detail: `shedding: ${detail}` };
    return { up: true, detail };
  }
}

/**
 * First on POST /v1/events, before the key is checked or the body read: past the in-flight cap
 * the request is answered 503 at once; otherwise it gets a slot until its response is done (or
 * its connection closed) and an Admission whose signal ends its work at the deadline, counted
 * from arrival (INGESTION_KAFKA_TIMEOUT_MS), or when the client leaves.
 */
@Injectable()
export class AdmissionMiddleware implements NestMiddleware {
  constructor(
    private readonly control: AdmissionControl,
    @Inject(INGESTION_CONFIG) private readonly config: IngestionConfig,
  ) {}

  use(req: AdmittedRequest, res: Response, next: NextFunction): void {
    const arrivedAt = Date.now();
    if (!this.control.tryEnter()) {
      res
        .status(503)
        .setHeader('Retry-After', String(OVERLOAD_RETRY_AFTER_S))
        .json({
          error: 'overloaded',
          message: `this instance has ${this.config.INGESTION_MAX_IN_FLIGHT} requests in flight: nothing from this batch was accepted; retry with the same ids`,
        });
      return;
    }
    const timeoutMs = this.config.INGESTION_KAFKA_TIMEOUT_MS;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new DeadlinePassed(timeoutMs)), timeoutMs);
    res.once('close', () => {
      clearTimeout(timer);
      this.control.leave();
      if (!res.writableFinished) controller.abort(new ClientGone());
    });
    req.admission = { arrivedAt, deadlineAt: arrivedAt + timeoutMs, signal: controller.signal };
    next();
  }
}
