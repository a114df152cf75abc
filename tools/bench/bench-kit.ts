import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Client } from 'pg';
import { Topics } from '@reclaim/contracts';
import { createKafka, provisionTopics, type Kafka } from '@reclaim/kafka';
import { freePort } from '@reclaim/testing';

/**
 * What every measurement of `npm run bench` shares: the run's id and Kafka, databases and service
 * processes of its own, resident-memory sampling of every service it starts, a consumer that
 * watches what the services publish, and small statistics helpers.
 */
export const ROOT = resolve(__dirname, '../../..');
/** Where the report goes (BENCH_OUT_DIR, default .local/bench). */
export const OUT_DIR = resolve(ROOT, process.env['BENCH_OUT_DIR'] ?? '.local/bench');
/** Service logs and other files of the latest run (emptied when a run starts). */
export const LOG_DIR = resolve(OUT_DIR, 'logs');

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
export const seconds = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9;
export const log = (message: string) => process.stderr.write(`\x1b[36m[bench]\x1b[0m ${message}\n`);

/** A positive integer from the environment, or the default (BENCH_QUICK picks the smaller one). */
export function envCount(name: string, full: number, quick: number): number {
  const raw = process.env[name];
  if (raw !== undefined && raw !== '') {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a whole number, got ${raw}`);
    return n;
  }
  return process.env['BENCH_QUICK'] === '1' ? quick : full;
}

export async function runPool(jobs: number, concurrency: number, job: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < jobs) await job(next++);
    }),
  );
}

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
}

/** p50/p95/p99/max of a sample, rounded to whole milliseconds for the report. */
export function spread(values: readonly number[]): { p50: number; p95: number; p99: number; max: number } {
  const r = (n: number) => Math.round(n);
  return {
    p50: r(percentile(values, 50)),
    p95: r(percentile(values, 95)),
    p99: r(percentile(values, 99)),
    max: r(values.length ? Math.max(...values) : NaN),
  };
}

/** Topics of one stage of the run (prefix `bench.<run>.<stage>.`), provisioned from the catalog. */
export async function stageKafka(runId: string, stage: string): Promise<{ kafka: Kafka; prefix: string }> {
  const brokers = (process.env['KAFKA_BROKERS'] ?? '').split(',').filter(Boolean);
  if (brokers.length === 0) throw new Error('KAFKA_BROKERS is not set (npm run bench starts a broker)');
  const prefix = `bench.${runId}.${stage}.`;
  const kafka = createKafka({ brokers, clientId: `reclaim-bench-${stage}`, topicPrefix: prefix });
  await provisionTopics(kafka, prefix);
  return { kafka, prefix };
}

/** Deletes every topic the run created. */
export async function deleteRunTopics(kafka: Kafka, runId: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(`bench.${runId}.`));
    if (topics.length > 0) await admin.deleteTopics({ topics });
  } finally {
    await admin.disconnect();
  }
}

/** A database of its own for one stage (the services create their schemas in it), dropped at the end. */
export async function benchDatabase(name: string): Promise<{ url: string; drop(): Promise<void> }> {
  const base = new URL(process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/reclaim');
  const adminUrl = new URL(base);
  adminUrl.pathname = '/postgres';
  const url = new URL(base);
  url.pathname = `/${name}`;
  const admin = async (sql: string) => {
    const c = new Client({ connectionString: adminUrl.toString() });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  await admin(`CREATE DATABASE "${name}"`);
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`) };
}

/** Resident memory (VmRSS) of a process in MB, or undefined once it is gone. */
export function rssMb(pid: number): number | undefined {
  try {
    const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? undefined : Number(kb) / 1024;
  } catch {
    return undefined;
  }
}

/** Peak resident memory per service name over every instance the run started (sampled every 250 ms). */
export const peakRss = new Map<string, number>();

export interface BenchService {
  name: string;
  port: number;
  pid: number;
  url: string;
  stop(): Promise<void>;
}

/**
 * A service started from dist/ (or another built entry point, `script`) as its own process, on a
 * free port, with its log in .local/bench/logs/<name>-<port>.log; resolves once /health answers. Its
 * resident memory is sampled into `peakRss` until it exits.
 */
export async function startService(
  name: string,
  env: Record<string, string>,
  opts: { script?: string } = {},
): Promise<BenchService> {
  const port = await freePort();
  mkdirSync(LOG_DIR, { recursive: true });
  const logFile = resolve(LOG_DIR, `${name}-${port}.log`);
  const out = createWriteStream(logFile);
  const script = opts.script ?? `dist/apps/${name}/src/main.js`;
  const child = spawn(process.execPath, [resolve(ROOT, script)], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env, [`${name.toUpperCase()}_PORT`]: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.pipe(out);
  child.stderr.pipe(out);
  const pid = child.pid ?? 0;
  const sampler = setInterval(() => {
    const mb = rssMb(pid);
    if (mb !== undefined) peakRss.set(name, Math.max(peakRss.get(name) ?? 0, mb));
  }, 250);
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  void exited.then(() => clearInterval(sampler));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    }
  };
  const deadline = Date.now() + 90_000;
  for (;;) {
    const ok = await fetch(`http://127.0.0.1:${port}/health`)
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) break;
    if (Date.now() > deadline || child.exitCode !== null) {
      await stop();
      throw new Error(`${name} did not start; see ${logFile}`);
    }
    await sleep(250);
  }
  return { name, port, pid, url: `http://127.0.0.1:${port}`, stop };
}

/** One record a service published, with when this process read it and the record's own timestamp. */
export interface Observed {
  topic: string;
  value: Record<string, unknown>;
  /** When the observer read it (ms since the epoch). */
  seenAt: number;
  /** The record's CreateTime: when the publishing service produced it (ms since the epoch). */
  timestamp: number;
}

/**
 * Reads the given topics (names from the catalog, without prefix) from the beginning in a group of
 * its own and hands every record to `onRecord`.
 */
export async function observe(
  kafka: Kafka,
  prefix: string,
  topics: string[],
  onRecord: (r: Observed) => void,
): Promise<{ stop(): Promise<void> }> {
  const consumer = kafka.consumer({ groupId: `${prefix}bench-observer-${Date.now()}`, allowAutoTopicCreation: false });
  await consumer.connect();
  await consumer.subscribe({ topics: topics.map((t) => prefix + t), fromBeginning: true });
  await consumer.run({
    eachMessage: ({ topic, message }) => {
      if (message.value)
        onRecord({
          topic: topic.slice(prefix.length),
          value: JSON.parse(message.value.toString('utf8')) as Record<string, unknown>,
          seenAt: Date.now(),
          timestamp: Number(message.timestamp),
        });
      return Promise.resolve();
    },
  });
  return { stop: () => consumer.disconnect() };
}

/** The first outcome per touch on reclaim.deliveries.v1, with when it was read. */
export function outcomesByTouch(): {
  onRecord: (r: Observed) => void;
  get: (touchId: string) => { status: string; seenAt: number; handoffAt?: string; sequence?: number } | undefined;
  size: () => number;
} {
  const outcomes = new Map<string, { status: string; seenAt: number; handoffAt?: string; sequence?: number }>();
  return {
    onRecord: (r) => {
      if (r.topic !== Topics.deliveries.name) return;
      const d = r.value as { touchId?: string; status?: string; handoffAt?: string; sequence?: number };
      if (d.touchId && d.status && !outcomes.has(d.touchId))
        outcomes.set(d.touchId, {
          status: d.status,
          seenAt: r.seenAt,
          ...(d.handoffAt ? { handoffAt: d.handoffAt } : {}),
          ...(d.sequence ? { sequence: d.sequence } : {}),
        });
    },
    get: (id) => outcomes.get(id),
    size: () => outcomes.size,
  };
}

/** Waits until `done` holds, checking every `intervalMs`; false when `timeoutMs` passed first. */
export async function waitUntil(done: () => boolean, timeoutMs: number, intervalMs = 20): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) return false;
    await sleep(intervalMs);
  }
  return true;
}
