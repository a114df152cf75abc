import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { Client } from 'pg';
import { Contracts } from '@reclaim/contracts';
import { buildMessage, createKafka, provisionTopics, silenceKafkajsTimerWarning } from '@reclaim/kafka';

/**
 * `npm run bench`: on one broker in one run, raw kafkajs produce throughput versus events/s
 * accepted through POST /v1/events (batches of 100), and their ratio. A number to track, not a test.
 */
const ROOT = resolve(__dirname, '../../..');
const TOTAL = Number(process.env['BENCH_EVENTS'] ?? 20_000);
const BATCH = 100;
const CONCURRENCY = Number(process.env['BENCH_CONCURRENCY'] ?? 8);
const KEY = 'bench-store-key-0001';

const freePort = () =>
  new Promise<number>((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address();
      srv.close(() => res(typeof a === 'object' && a ? a.port : 0));
    });
  });

function sampleEvent(i: number, runId: string) {
  const cartId = `bench-${runId}-${i % 2000}`;
  return {
    id: `bench-${runId}-${i}`,
    type: 'cart.updated' as const,
    occurredAt: new Date().toISOString(),
    cartId,
    customer: { id: `c-${i % 2000}`, email: `shopper${i % 2000}@bench.example`, ordersCount: 0 },
    cart: {
      currency: 'EUR',
      items: [{ sku: 'LS-001', productId: 'p1', title: 'Linen Shirt', quantity: 1, unitPrice: 4900 }],
    },
  };
}

async function runPool(jobs: number, concurrency: number, job: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < jobs) await job(next++);
    }),
  );
}

async function main(): Promise<void> {
  silenceKafkajsTimerWarning();
  const brokers = (process.env['KAFKA_BROKERS'] ?? '').split(',').filter(Boolean);
  const runId = randomBytes(3).toString('hex');
  const prefix = `bench.${runId}.`;
  const kafka = createKafka({ brokers, clientId: 'reclaim-bench', topicPrefix: prefix });
  await provisionTopics(kafka, prefix);

  // 1. Raw kafkajs: the same records (contract-built, CloudEvents headers), acks=all, idempotent.
  const producer = kafka.producer({ idempotent: true });
  await producer.connect();
  const messages = Array.from({ length: TOTAL }, (_, i) =>
    buildMessage(
      Contracts.storefrontEvent,
      { storeId: 'bench', receivedAt: new Date().toISOString(), event: sampleEvent(i, `raw${runId}`) },
      { source: '/bench', topicPrefix: prefix },
    ),
  );
  const rawStart = process.hrtime.bigint();
  await runPool(TOTAL / BATCH, CONCURRENCY, async (b) => {
    const slice = messages.slice(b * BATCH, (b + 1) * BATCH);
    await producer.send({
      topic: slice[0]?.topic ?? '',
      acks: -1,
      messages: slice.map(({ key, value, headers }) => ({ key, value, headers })),
    });
  });
  const rawSeconds = Number(process.hrtime.bigint() - rawStart) / 1e9;
  await producer.disconnect();
  const rawRate = TOTAL / rawSeconds;

  // 2. Through the HTTP edge: validation, id claims in Postgres, one Kafka transaction per batch.
  const dbName = `reclaim_bench_${runId}`;
  const base = new URL(process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/reclaim');
  const adminUrl = new URL(base);
  adminUrl.pathname = '/postgres';
  const dbUrl = new URL(base);
  dbUrl.pathname = `/${dbName}`;
  const port = await freePort();
  mkdirSync(resolve(ROOT, '.local'), { recursive: true });
  const log = createWriteStream(resolve(ROOT, '.local/bench-ingestion.log'));
  const child = spawn(process.execPath, [resolve(ROOT, 'dist/apps/ingestion/src/main.js')], {
    env: {
      ...process.env,
      KAFKA_TOPIC_PREFIX: prefix,
      DATABASE_URL: dbUrl.toString(),
      INGESTION_PORT: String(port),
      INGESTION_API_KEYS: `bench:${KEY}`,
      INGESTION_INSTANCE_ID: `bench-${runId}`,
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  try {
    const deadline = Date.now() + 60_000;
    while (
      !(await fetch(`http://127.0.0.1:${port}/health`)
        .then((r) => r.ok)
        .catch(() => false))
    ) {
      if (Date.now() > deadline || child.exitCode !== null)
        throw new Error('ingestion did not start; see .local/bench-ingestion.log');
      await new Promise((r) => setTimeout(r, 250));
    }
    const bodies = Array.from({ length: TOTAL / BATCH }, (_, b) =>
      JSON.stringify({ events: Array.from({ length: BATCH }, (_, j) => sampleEvent(b * BATCH + j, `http${runId}`)) }),
    );
    let accepted = 0;
    const httpStart = process.hrtime.bigint();
    await runPool(bodies.length, CONCURRENCY, async (b) => {
      const res = await fetch(`http://127.0.0.1:${port}/v1/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
        body: bodies[b],
      });
      if (res.status !== 202) throw new Error(`POST answered ${res.status}: ${await res.text()}`);
      accepted += ((await res.json()) as { accepted: number }).accepted;
    });
    const httpSeconds = Number(process.hrtime.bigint() - httpStart) / 1e9;
    const httpRate = accepted / httpSeconds;
    process.stdout.write(`
Reclaim ingestion benchmark (${TOTAL} events, batches of ${BATCH}, ${CONCURRENCY} in flight, one broker)
  raw kafkajs produce (acks=all, idempotent) : ${rawRate.toFixed(0).padStart(8)} events/s  (${rawSeconds.toFixed(2)} s)
  POST /v1/events accepted (202)             : ${httpRate.toFixed(0).padStart(8)} events/s  (${httpSeconds.toFixed(2)} s)
  ratio HTTP / raw                           : ${(httpRate / rawRate).toFixed(3)}
`);
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => (child.exitCode !== null ? r(undefined) : child.once('exit', r)));
    const admin = new Client({ connectionString: adminUrl.toString() });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
    await admin.end();
    const kadmin = kafka.admin();
    await kadmin.connect();
    const topics = (await kadmin.listTopics()).filter((t) => t.startsWith(prefix));
    await kadmin.deleteTopics({ topics }).catch(() => undefined);
    await kadmin.disconnect();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
