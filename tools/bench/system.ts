import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Topics } from '@reclaim/contracts';
import type { Kafka } from '@reclaim/kafka';
import {
  benchDatabase,
  log,
  observe,
  LOG_DIR,
  rssMb,
  sleep,
  stageKafka,
  startService,
  type BenchService,
  type Observed,
} from './bench-kit';
import { smtpSink } from './email-bench';

export const SERVICES = ['ingestion', 'segmentation', 'scheduler', 'email', 'sms', 'push', 'attribution'] as const;
export type ServiceName = (typeof SERVICES)[number];
export const SYSTEM_KEY = 'bench-system-key-0001';
export const SYSTEM_STORE = 'bench-system';

/**
 * A one-touch plan (email at 1 h) for every segment: the first-touch rows measure the first touch,
 * and no later touch of an earlier round fires during a later measurement.
 */
const ONE_TOUCH_PLAN = {
  defaults: {
    plans: {
      checkout: { touches: [{ channel: 'email', offset: '1h', template: 'reminder' }] },
      cart: { touches: [{ channel: 'email', offset: '1h', template: 'reminder' }] },
    },
  },
};

/** What the services published, as the system's measurements read it. */
export interface SystemObservations {
  /** Sequence-1 touches the scheduler let go, by cart: the touch and its planned moment. */
  firstTouchByCart: Map<string, { touchId: string; plannedAt: number; firedAt: number }>;
  /** First outcome per touch on reclaim.deliveries.v1. */
  outcomeByTouch: Map<string, { status: string; handoffAt?: number; seenAt: number }>;
  /** When each cart was abandoned (the sweep's moment). */
  abandonedAtByCart: Map<string, number>;
}

export interface RunningSystem {
  kafka: Kafka;
  prefix: string;
  databaseUrl: string;
  services: Record<ServiceName, BenchService>;
  observed: SystemObservations;
  /** Resident memory of each service after start-up, before any load (MB). */
  idleRssMb: Record<string, number>;
  timeScale: number;
  smtpAccepted(): number;
  stop(): Promise<void>;
}

function record(observed: SystemObservations, r: Observed): void {
  const v = r.value as {
    touchId?: string;
    cartId?: string;
    sequence?: number;
    status?: string;
    handoffAt?: string;
    dueAt?: string;
    abandonedAt?: string;
    deferred?: { plannedAt: string };
  };
  if (r.topic === Topics.touchesEmail.name && v.sequence === 1 && v.cartId && v.touchId && v.dueAt) {
    if (!observed.firstTouchByCart.has(v.cartId))
      observed.firstTouchByCart.set(v.cartId, {
        touchId: v.touchId,
        plannedAt: Date.parse(v.deferred?.plannedAt ?? v.dueAt),
        firedAt: r.timestamp,
      });
  } else if (r.topic === Topics.deliveries.name && v.touchId && v.status) {
    if (!observed.outcomeByTouch.has(v.touchId))
      observed.outcomeByTouch.set(v.touchId, {
        status: v.status,
        ...(v.handoffAt ? { handoffAt: Date.parse(v.handoffAt) } : {}),
        seenAt: r.seenAt,
      });
  } else if (r.topic === Topics.abandonments.name && v.cartId && v.abandonedAt) {
    observed.abandonedAtByCart.set(v.cartId, Date.parse(v.abandonedAt));
  }
}

/**
 * All seven services as processes on one database and one topic prefix, as `npm run dev` runs
 * them, with business time compressed by `timeScale`, no hold-out, the one-touch plan above and
 * email handed to a local SMTP server. Idle memory is read once all are up and have settled.
 */
export async function startSystem(runId: string, timeScale: number): Promise<RunningSystem> {
  const { kafka, prefix } = await stageKafka(runId, 'system');
  const db = await benchDatabase(`reclaim_bench_${runId}_system`);
  const smtp = await smtpSink();
  const planFile = resolve(LOG_DIR, 'one-touch-plan.json');
  mkdirSync(LOG_DIR, { recursive: true });
  writeFileSync(planFile, JSON.stringify(ONE_TOUCH_PLAN));
  const observed: SystemObservations = {
    firstTouchByCart: new Map(),
    outcomeByTouch: new Map(),
    abandonedAtByCart: new Map(),
  };
  const observer = await observe(
    kafka,
    prefix,
    [Topics.touchesEmail.name, Topics.deliveries.name, Topics.abandonments.name],
    // The abandonments topic also carries pauses, which have no abandonedAt: record() skips them.
    (r) => record(observed, r),
  );
  const env = {
    KAFKA_TOPIC_PREFIX: prefix,
    DATABASE_URL: db.url,
    SMTP_URL: smtp.url,
    INGESTION_API_KEYS: `${SYSTEM_STORE}:${SYSTEM_KEY}`,
    INGESTION_INSTANCE_ID: `bench-system-${runId}`,
    // The first-touch rows post thousands of events at once: the per-store limit is not measured here.
    INGESTION_RATE_LIMIT: '100000000',
    INGESTION_RATE_LIMIT_EVENTS: '1000000000',
    RECOVERY_TIME_SCALE: String(timeScale),
    RECOVERY_HOLDOUT_PERCENT: '0',
    RECOVERY_CONFIG_FILE: planFile,
    // A late touch is measured as late, never dropped as expired (24 h scaled would be a few minutes).
    TOUCH_MAX_AGE: '1000h',
    RESUME_LINK_SECRET: 'bench-resume-secret-0123456789abcdef',
    LOG_LEVEL: 'warn',
  };
  log(`starting the seven services (RECOVERY_TIME_SCALE=${timeScale})`);
  const started = await Promise.allSettled(SERVICES.map((name) => startService(name, env)));
  const running = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const stopAll = async () => {
    await Promise.allSettled(running.map((s) => s.stop()));
    await Promise.allSettled([observer.stop(), smtp.stop()]);
    await db.drop();
  };
  const failed = started.find((s) => s.status === 'rejected');
  if (failed) {
    await stopAll();
    throw failed.reason;
  }
  const services = Object.fromEntries(running.map((s) => [s.name, s])) as Record<ServiceName, BenchService>;
  await sleep(5_000);
  const idleRssMb = Object.fromEntries(running.map((s) => [s.name, rssMb(s.pid) ?? NaN]));
  return {
    kafka,
    prefix,
    databaseUrl: db.url,
    services,
    observed,
    idleRssMb,
    timeScale,
    smtpAccepted: smtp.accepted,
    stop: stopAll,
  };
}
