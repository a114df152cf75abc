import autocannon from 'autocannon';
import { percentile } from './bench-kit';

/**
 * Overload step of `npm run bench`: measures what one ingestion instance answers at a moderate
 * concurrency, offers 4× that rate for a few seconds, then probes until latency is back near the
 * baseline. Returns the offered rate, the p99 of answered (202) requests, the shed count (503) and
 * their p99, other outcomes, and the time to recover.
 */
const BATCH = Number(process.env['BENCH_OVERLOAD_BATCH'] ?? 10);
const CAPACITY_SECONDS = 5;
const OVERLOAD_SECONDS = 6;
const OVERLOAD_FACTOR = 4;

interface Outcome {
  byStatus: Map<number, number[]>;
  errors: number;
  timeouts: number;
  seconds: number;
}

export interface OverloadResult {
  batch: number;
  capacityPerSec: number;
  baselineMs: number;
  offeredPerSec: number;
  answered: { count: number; p50Ms: number; p99Ms: number };
  shed: { count: number; p50Ms: number; p99Ms: number };
  others: string[];
  /** Seconds from the end of the overload to three probes in a row near the baseline; null: not within 30 s. */
  recoverySeconds: number | null;
}

export async function overloadBench(
  base: string,
  key: string,
  runId: string,
  deadlineMs: number,
): Promise<OverloadResult> {
  let n = 0;
  const body = () => {
    const events: string[] = [];
    for (let i = 0; i < BATCH; i++) {
      const id = `ol-${runId}-${n++}`;
      events.push(
        `{"id":"${id}","type":"cart.updated","occurredAt":"${new Date().toISOString()}","cartId":"c-${n % 500}",` +
          `"customer":{"id":"u-${n % 500}","email":"s${n % 500}@bench.example"},"cart":{"currency":"EUR",` +
          `"items":[{"sku":"LS-1","title":"Linen Shirt","quantity":1,"unitPrice":4900}]}}`,
      );
    }
    return `{"events":[${events.join(',')}]}`;
  };
  const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
  const run = async (options: { connections: number; seconds: number; overallRate?: number }): Promise<Outcome> => {
    const byStatus = new Map<number, number[]>();
    const instance = autocannon({
      url: base,
      connections: options.connections,
      duration: options.seconds,
      ...(options.overallRate ? { overallRate: options.overallRate } : {}),
      timeout: Math.ceil(deadlineMs / 1000) + 5,
      requests: [{ method: 'POST', path: '/v1/events', headers, setupRequest: (req) => ({ ...req, body: body() }) }],
    });
    instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
      const list = byStatus.get(status) ?? [];
      list.push(ms);
      byStatus.set(status, list);
    });
    const result = await instance;
    return { byStatus, errors: result.errors, timeouts: result.timeouts, seconds: result.duration };
  };
  const probe = async () => {
    const started = performance.now();
    const res = await fetch(`${base}/v1/events`, { method: 'POST', headers, body: body() });
    await res.arrayBuffer();
    return { status: res.status, ms: performance.now() - started };
  };

  // 1. Capacity at a moderate concurrency, and the unloaded latency of one request.
  const baselineProbes: number[] = [];
  for (let i = 0; i < 20; i++) baselineProbes.push((await probe()).ms);
  const baseline = percentile(baselineProbes, 50);
  const capacity = await run({ connections: 8, seconds: CAPACITY_SECONDS });
  const capacityRate = (capacity.byStatus.get(202)?.length ?? 0) / capacity.seconds;

  // 2. Offer 4× that rate over 128 connections (each sends its next request once answered).
  const offered = Math.max(1, Math.round(capacityRate * OVERLOAD_FACTOR));
  const overload = await run({
    connections: 128,
    seconds: OVERLOAD_SECONDS,
    overallRate: offered,
  });
  const stoppedAt = performance.now();

  // 3. Recovery: until three probes in a row are near the baseline latency.
  const near = Math.max(baseline * 2, baseline + 20);
  let good = 0;
  let recoveredAt: number | undefined;
  while (performance.now() - stoppedAt < 30_000) {
    const { status, ms } = await probe();
    if (status === 202 && ms <= near) {
      good++;
      if (good === 3) {
        recoveredAt = performance.now();
        break;
      }
    } else good = 0;
  }

  const answered = overload.byStatus.get(202) ?? [];
  const shed = overload.byStatus.get(503) ?? [];
  const others = [...overload.byStatus]
    .filter(([status]) => status !== 202 && status !== 503)
    .map(([status, list]) => `${status}×${list.length}`);
  if (overload.errors) others.push(`errors×${overload.errors}`);
  if (overload.timeouts) others.push(`timeouts×${overload.timeouts}`);
  const summary = (list: number[]) => ({
    count: list.length,
    p50Ms: Math.round(percentile(list, 50)),
    p99Ms: Math.round(percentile(list, 99)),
  });
  return {
    batch: BATCH,
    capacityPerSec: capacityRate,
    baselineMs: baseline,
    offeredPerSec: offered,
    answered: summary(answered),
    shed: summary(shed),
    others,
    recoverySeconds: recoveredAt === undefined ? null : (recoveredAt - stoppedAt) / 1000,
  };
}
