import { Contracts } from '@reclaim/contracts';
import { buildMessage, type Kafka } from '@reclaim/kafka';
import { benchDatabase, log, runPool, seconds, startService } from './bench-kit';
import { overloadBench, type OverloadResult } from './overload-bench';

/**
 * Raw kafkajs produce versus events accepted through POST /v1/events, on the same topic layout:
 * the same contract-built records (CloudEvents headers), acks=all, idempotent producer, batches of
 * 100, a few batches in flight. Through the HTTP edge each batch is validated, its ids claimed in
 * Postgres and published in one Kafka transaction. Then one ingestion instance under 4× its
 * capacity (overload-bench.ts).
 */
const BATCH = 100;
const KEY = 'bench-store-key-0001';

export interface IngestionResult {
  events: number;
  concurrency: number;
  rawPerSec: number;
  httpPerSec: number;
  overload: OverloadResult;
}

export function sampleEvent(i: number, runId: string) {
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

export async function ingestionBench(
  kafka: Kafka,
  prefix: string,
  runId: string,
  opts: { events: number; concurrency: number },
): Promise<IngestionResult> {
  const total = Math.ceil(opts.events / BATCH) * BATCH;
  const producer = kafka.producer({ idempotent: true });
  await producer.connect();
  const messages = Array.from({ length: total }, (_, i) =>
    buildMessage(
      Contracts.storefrontEvent,
      { storeId: 'bench', receivedAt: new Date().toISOString(), event: sampleEvent(i, `raw${runId}`) },
      { source: '/bench', topicPrefix: prefix },
    ),
  );
  log(`raw kafkajs: ${total} records`);
  const rawStart = process.hrtime.bigint();
  await runPool(total / BATCH, opts.concurrency, async (b) => {
    const slice = messages.slice(b * BATCH, (b + 1) * BATCH);
    await producer.send({
      topic: slice[0]?.topic ?? '',
      acks: -1,
      messages: slice.map(({ key, value, headers }) => ({ key, value, headers })),
    });
  });
  const rawPerSec = total / seconds(rawStart);
  await producer.disconnect();

  const db = await benchDatabase(`reclaim_bench_${runId}_ingestion`);
  const deadlineMs = Number(process.env['INGESTION_KAFKA_TIMEOUT_MS'] ?? 10_000);
  const ingestion = await startService('ingestion', {
    KAFKA_TOPIC_PREFIX: prefix,
    DATABASE_URL: db.url,
    INGESTION_API_KEYS: `bench:${KEY}`,
    INGESTION_INSTANCE_ID: `bench-${runId}`,
    // Throughput and shedding are measured here, not the per-store rate limit.
    INGESTION_RATE_LIMIT: '100000000',
    INGESTION_RATE_LIMIT_EVENTS: '1000000000',
    INGESTION_KAFKA_TIMEOUT_MS: String(deadlineMs),
  });
  try {
    const bodies = Array.from({ length: total / BATCH }, (_, b) =>
      JSON.stringify({ events: Array.from({ length: BATCH }, (_, j) => sampleEvent(b * BATCH + j, `http${runId}`)) }),
    );
    log(`POST /v1/events: ${total} events`);
    let accepted = 0;
    const httpStart = process.hrtime.bigint();
    await runPool(bodies.length, opts.concurrency, async (b) => {
      const res = await fetch(`${ingestion.url}/v1/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
        body: bodies[b],
      });
      if (res.status !== 202) throw new Error(`POST answered ${res.status}: ${await res.text()}`);
      accepted += ((await res.json()) as { accepted: number }).accepted;
    });
    const httpPerSec = accepted / seconds(httpStart);
    log('ingestion overload');
    const overload = await overloadBench(ingestion.url, KEY, runId, deadlineMs);
    return { events: total, concurrency: opts.concurrency, rawPerSec, httpPerSec, overload };
  } finally {
    await ingestion.stop();
    await db.drop();
  }
}
