import { randomBytes } from 'node:crypto';
import { Contracts } from '@reclaim/contracts';
import { buildMessage, createKafka, provisionTopics, silenceKafkajsTimerWarning } from '@reclaim/kafka';
import { freePort } from '@reclaim/testing';
import { benchDatabase, runPool, seconds, startService } from './bench-kit';
import { emailBench } from './email-bench';
import { overloadBench } from './overload-bench';

/**
 * `npm run bench`: on one broker in one run, raw kafkajs produce throughput versus events/s
 * accepted through POST /v1/events (batches of 100), and their ratio; then ingestion under 4× its
 * capacity (overload-bench.ts: shed count, answered p99, time to recover); then touches/s through
 * the email service to a local SMTP server (BENCH_TOUCHES). Numbers to track, not tests.
 */
const TOTAL = Number(process.env['BENCH_EVENTS'] ?? 20_000);
const BATCH = 100;
const CONCURRENCY = Number(process.env['BENCH_CONCURRENCY'] ?? 8);
const TOUCHES = Number(process.env['BENCH_TOUCHES'] ?? 500);
const KEY = 'bench-store-key-0001';
const DEADLINE_MS = Number(process.env['INGESTION_KAFKA_TIMEOUT_MS'] ?? 10_000);

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
  const rawSeconds = seconds(rawStart);
  await producer.disconnect();
  const rawRate = TOTAL / rawSeconds;

  // 2. Through the HTTP edge: validation, id claims in Postgres, one Kafka transaction per batch.
  const db = benchDatabase(`reclaim_bench_${runId}`);
  const port = await freePort();
  try {
    const ingestion = await startService('ingestion', port, {
      KAFKA_TOPIC_PREFIX: prefix,
      DATABASE_URL: db.url,
      INGESTION_PORT: String(port),
      INGESTION_API_KEYS: `bench:${KEY}`,
      INGESTION_INSTANCE_ID: `bench-${runId}`,
      // The overload step measures shedding, not the per-store limit.
      INGESTION_RATE_LIMIT: '100000000',
      INGESTION_RATE_LIMIT_EVENTS: '1000000000',
      INGESTION_KAFKA_TIMEOUT_MS: String(DEADLINE_MS),
    });
    try {
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
      const httpSeconds = seconds(httpStart);
      const httpRate = accepted / httpSeconds;
      process.stdout.write(`
Reclaim ingestion benchmark (${TOTAL} events, batches of ${BATCH}, ${CONCURRENCY} in flight, one broker)
  raw kafkajs produce (acks=all, idempotent) : ${rawRate.toFixed(0).padStart(8)} events/s  (${rawSeconds.toFixed(2)} s)
  POST /v1/events accepted (202)             : ${httpRate.toFixed(0).padStart(8)} events/s  (${httpSeconds.toFixed(2)} s)
  ratio HTTP / raw                           : ${(httpRate / rawRate).toFixed(3)}
`);
      process.stdout.write(await overloadBench(`http://127.0.0.1:${port}`, KEY, runId, DEADLINE_MS));
    } finally {
      await ingestion.stop();
      await db.drop();
    }

    // 3. Through the email service: barrier, render, SMTP, ledger, report per touch.
    if (TOUCHES > 0) process.stdout.write(await emailBench(kafka, prefix, runId, TOUCHES));
  } finally {
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
