import { request as httpRequest } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from 'pg';
import { Topics } from '@reclaim/contracts';
import { runService } from '@reclaim/platform';
import { provisionTopics } from '@reclaim/kafka';
import { collectTopics, pollUntil, startServiceUnderTest, type ServiceUnderTest } from '@reclaim/testing';
import { AppModule } from '../src/app.module';
import { IngestionConfig } from '../src/config';

/**
 * Load shedding and deadlines of POST /v1/events against the real broker and Postgres. Requests
 * are held in flight by a real row lock: a test transaction claims an event id first, so the
 * request claiming the same id waits on the unique key (holding its transactional producer).
 */
const KEY = 'store-a-key-0001';
const item = { sku: 'LS-1', productId: 'p-1', title: 'Linen Shirt', quantity: 1, unitPrice: 4900 };
const cartEvent = (id: string) => ({
  id,
  type: 'cart.updated',
  occurredAt: '2026-11-25T10:00:00Z',
  cartId: `cart-${id}`,
  customer: { id: 'cust-1', email: 'ada@example.com' },
  cart: { currency: 'EUR', items: [item] },
});

type Ingestion = ServiceUnderTest<IngestionConfig> & { base: string };

async function startIngestion(
  env: Record<string, string>,
  observe: string[] = [Topics.storefrontEvents.name],
): Promise<Ingestion> {
  const t = await startServiceUnderTest({
    name: 'ingestion-overload',
    schema: IngestionConfig,
    start: (config) =>
      runService(AppModule.register(config), {
        port: 0,
        host: '127.0.0.1',
        nest: { bodyParser: false, logger: false },
      }),
    env: { INGESTION_API_KEYS: `store-a:${KEY}`, ...env },
    observe,
  });
  const port = ((t.app.getHttpServer() as Server).address() as AddressInfo).port;
  return Object.assign(t, { base: `http://127.0.0.1:${port}` });
}

const post = (t: Ingestion, ids: string[]) =>
  fetch(`${t.base}/v1/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ events: ids.map(cartEvent) }),
  });

/** A transaction of the test's own holding the claim on `ids` until released. */
async function holdIds(t: Ingestion, ids: string[]) {
  const client = new Client({ connectionString: t.database.url });
  await client.connect();
  // Statistics views are snapshotted per transaction: watch from a connection of its own.
  const watcher = new Client({ connectionString: t.database.url });
  await watcher.connect();
  await client.query('BEGIN');
  await client.query(
    `INSERT INTO ingestion.accepted_events (store_id, event_id) SELECT 'store-a', unnest($1::text[])`,
    [ids],
  );
  return {
    /** Requests of the service waiting on these locks. */
    waiters: async () =>
      Number(
        (
          await watcher.query<{ n: string }>(
            `SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
          )
        ).rows[0]?.n,
      ),
    release: async () => {
      await client.query('ROLLBACK').catch(() => undefined);
      await Promise.allSettled([client.end(), watcher.end()]);
    },
  };
}

const claimed = async (t: Ingestion, id: string) => {
  const client = new Client({ connectionString: t.database.url });
  await client.connect();
  try {
    const rows = await client.query(`SELECT 1 FROM ingestion.accepted_events WHERE event_id = $1`, [id]);
    return rows.rowCount === 1;
  } finally {
    await client.end();
  }
};

const publishedIds = (t: Ingestion) =>
  t.recordsOn(Topics.storefrontEvents.name).map((r) => (r.value as { event: { id: string } }).event.id);

const health = async (t: Ingestion, path: string) => {
  const res = await fetch(`${t.base}${path}`);
  return { status: res.status, body: (await res.json()) as { details?: Record<string, { detail?: string }> } };
};

const admissionDetail = async (t: Ingestion) =>
  (await health(t, '/health/ready')).body.details?.['admission']?.detail ?? '';

describe('POST /v1/events under overload', () => {
  describe('in-flight cap (INGESTION_MAX_IN_FLIGHT=2)', () => {
    let t: Ingestion;
    beforeAll(async () => {
      t = await startIngestion({
        INGESTION_MAX_IN_FLIGHT: '2',
        INGESTION_TX_PRODUCERS: '2',
        INGESTION_KAFKA_TIMEOUT_MS: '60000',
      });
    });
    afterAll(async () => {
      await t?.close();
    });

    it('admits requests up to the cap, answers the next 503 overloaded at once, and readiness (not liveness) says saturated', async () => {
      const lock = await holdIds(t, ['held-1', 'held-2']);
      try {
        const first = post(t, ['held-1']);
        await pollUntil(async () => (await lock.waiters()) === 1, { description: 'first request waiting on the lock' });
        // One slot is still free: a request is admitted and accepted while the other waits.
        const admitted = await post(t, ['free-1']);
        expect(admitted.status).toBe(202);
        expect(await admitted.json()).toEqual({ accepted: 1, duplicates: 0 });

        const second = post(t, ['held-2']);
        await pollUntil(async () => (await lock.waiters()) === 2, { description: 'both slots held' });
        const shed = await post(t, ['shed-1']);
        expect(shed.status).toBe(503);
        expect(shed.headers.get('retry-after')).toBe('1');
        expect(await shed.json()).toEqual({ error: 'overloaded', message: expect.stringMatching(/same ids/) });

        const ready = await health(t, '/health/ready');
        expect(ready.status).toBe(503);
        expect(ready.body.details?.['admission']?.detail).toMatch(/2\/2 requests in flight/);
        expect((await health(t, '/health')).status).toBe(503);
        expect((await health(t, '/health/live')).status).toBe(200);

        await lock.release();
        expect(await (await first).json()).toEqual({ accepted: 1, duplicates: 0 });
        expect(await (await second).json()).toEqual({ accepted: 1, duplicates: 0 });
        // Nothing of the shed batch was accepted: its id is new on retry.
        expect(await (await post(t, ['shed-1'])).json()).toEqual({ accepted: 1, duplicates: 0 });
        await pollUntil(async () => (await health(t, '/health/ready')).status === 200, {
          description: 'ready again once the load is gone',
        });
      } finally {
        await lock.release();
      }
    });
  });

  describe('deadline from arrival (INGESTION_KAFKA_TIMEOUT_MS=1500, one transactional producer)', () => {
    let t: Ingestion;
    beforeAll(async () => {
      t = await startIngestion(
        { INGESTION_MAX_IN_FLIGHT: '8', INGESTION_TX_PRODUCERS: '1', INGESTION_KAFKA_TIMEOUT_MS: '1500' },
        [],
      );
    });
    afterAll(async () => {
      await t?.close();
    });

    it('answers 503 deadline_exceeded to a request stuck in its Postgres claim, and accepts its id on retry', async () => {
      const lock = await holdIds(t, ['dl-1']);
      let stuck: Response;
      try {
        const pending = post(t, ['dl-1']);
        await pollUntil(async () => (await lock.waiters()) === 1, { description: 'the claim waiting on the lock' });
        // The lock stays held: only the deadline can end this request.
        stuck = await pending;
        // Its claim is cancelled too (statement_timeout), though the lock is still held.
        await pollUntil(async () => (await lock.waiters()) === 0, { description: 'the claim cancelled' });
      } finally {
        await lock.release();
      }
      expect(stuck.status).toBe(503);
      expect(await stuck.json()).toMatchObject({
        error: 'deadline_exceeded',
        message: expect.stringMatching(/same ids/),
      });
      expect(stuck.headers.get('retry-after')).toBe('5');
      expect(await claimed(t, 'dl-1')).toBe(false);
      expect(await (await post(t, ['dl-1'])).json()).toEqual({ accepted: 1, duplicates: 0 });
      expect(await (await post(t, ['dl-1'])).json()).toEqual({ accepted: 0, duplicates: 1 });
    });

    it('answers 503 in time while the broker path stalls — to the batch in its Kafka transaction and to the one waiting for the producer — and accepts both exactly once on retry', async () => {
      const topic = `${t.prefix}${Topics.storefrontEvents.name}`;
      const admin = t.kafka.admin();
      await admin.connect();
      // Without the topic the transaction's writes are retried by the client for many seconds.
      await admin.deleteTopics({ topics: [topic] });
      let sending: Response;
      let waiting: Response;
      try {
        const first = post(t, ['stall-1']);
        await pollUntil(async () => /0\/1 producers idle/.test(await admissionDetail(t)), {
          description: 'the only producer taken',
        });
        [sending, waiting] = await Promise.all([first, post(t, ['stall-2'])]);
      } finally {
        await provisionTopics(t.kafka, t.prefix);
        await admin.disconnect();
      }
      expect(sending.status).toBe(503);
      expect(await sending.json()).toMatchObject({
        error: 'deadline_exceeded',
        message: expect.stringMatching(/sending/),
      });
      expect(sending.headers.get('retry-after')).toBe('5');
      expect(waiting.status).toBe(503);
      expect(await waiting.json()).toMatchObject({
        error: 'deadline_exceeded',
        message: expect.stringMatching(/waiting/),
      });
      expect(waiting.headers.get('retry-after')).toBe('2');
      expect(await claimed(t, 'stall-1')).toBe(false);
      expect(await claimed(t, 'stall-2')).toBe(false);

      const observed = await collectTopics(t.kafka, [topic]);
      try {
        const retried = await pollUntil(
          async () => {
            const res = await post(t, ['stall-1', 'stall-2']);
            return res.status === 202 ? await res.json() : undefined;
          },
          { timeoutMs: 90_000, intervalMs: 500, description: 'the retry accepted once the broker path recovered' },
        );
        expect(retried).toEqual({ accepted: 2, duplicates: 0 });
        expect(await (await post(t, ['stall-1', 'stall-3'])).json()).toEqual({ accepted: 1, duplicates: 1 });
        const ids = () => observed.records.map((r) => (r.value as { event: { id: string } }).event.id);
        await pollUntil(() => ids().includes('stall-3'), { description: 'the marker after the retry' });
        // A read_committed reader sees each id once: the given-up transaction was aborted.
        expect(ids().sort()).toEqual(['stall-1', 'stall-2', 'stall-3']);
      } finally {
        await observed.stop();
      }
    });
  });

  describe('a client that leaves', () => {
    let t: Ingestion;
    beforeAll(async () => {
      t = await startIngestion({
        INGESTION_MAX_IN_FLIGHT: '8',
        INGESTION_TX_PRODUCERS: '1',
        INGESTION_KAFKA_TIMEOUT_MS: '60000',
      });
    });
    afterAll(async () => {
      await t?.close();
    });

    const inFlight = () => admissionDetail(t);

    it('is not processed when it closed the connection while waiting: nothing claimed, nothing published', async () => {
      const lock = await holdIds(t, ['gone-hold']);
      try {
        const first = post(t, ['gone-hold']);
        await pollUntil(async () => (await lock.waiters()) === 1, { description: 'the producer held' });
        // A raw request, so the test can close its socket while it waits for the producer.
        const body = JSON.stringify({ events: [cartEvent('gone-1')] });
        const req = httpRequest(`${t.base}/v1/events`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${KEY}`,
            'content-type': 'application/json',
            'content-length': String(Buffer.byteLength(body)),
          },
        });
        req.on('error', () => undefined);
        req.end(body);
        await pollUntil(async () => /^2\/8/.test(await inFlight()), { description: 'the second request admitted' });
        req.destroy();
        await pollUntil(async () => /^1\/8/.test(await inFlight()), { description: 'its slot freed when it left' });

        await lock.release();
        expect(await (await first).json()).toEqual({ accepted: 1, duplicates: 0 });
      } finally {
        await lock.release();
      }
      // Producers are handed out in arrival order: had the departed request still waited, it
      // would have run before this one.
      expect(await (await post(t, ['gone-after'])).json()).toEqual({ accepted: 1, duplicates: 0 });
      await pollUntil(() => publishedIds(t).includes('gone-after'), { description: 'the later batch on Kafka' });
      expect(await claimed(t, 'gone-1')).toBe(false);
      expect(publishedIds(t)).not.toContain('gone-1');
    });
  });

  describe('store rate limit counting events (500 events per 4 s window)', () => {
    let t: Ingestion;
    beforeAll(async () => {
      t = await startIngestion(
        { INGESTION_RATE_LIMIT: '100', INGESTION_RATE_LIMIT_EVENTS: '500', INGESTION_RATE_WINDOW_MS: '4000' },
        [],
      );
    });
    afterAll(async () => {
      await t?.close();
    });

    const batch = (from: number, n: number) => Array.from({ length: n }, (_, i) => `rl-${from + i}`);

    it('refuses a batch that would pass the event limit whole, with Retry-After when the window frees', async () => {
      expect(await (await post(t, batch(0, 300))).json()).toEqual({ accepted: 300, duplicates: 0 });
      const refused = await post(t, batch(300, 300));
      expect(refused.status).toBe(429);
      expect(await refused.json()).toEqual({
        error: 'rate_limited',
        message: expect.stringMatching(/500 events per 4 s/),
      });
      const first = Number(refused.headers.get('retry-after'));
      expect(first).toBeGreaterThanOrEqual(1);
      expect(first).toBeLessThanOrEqual(4);
      // The refused batch was not counted: 200 more still fit, then one more does not.
      expect(await (await post(t, batch(300, 200))).json()).toEqual({ accepted: 200, duplicates: 0 });
      expect((await post(t, batch(500, 1))).status).toBe(429);
      // Retry-After counts down to the window's end instead of restarting the full window.
      await pollUntil(
        async () => {
          const res = await post(t, batch(500, 1));
          return res.status === 429 && Number(res.headers.get('retry-after')) < first;
        },
        { timeoutMs: 10_000, description: 'a smaller Retry-After' },
      );
      const accepted = await pollUntil(
        async () => {
          const res = await post(t, batch(500, 1));
          return res.status === 202 ? await res.json() : undefined;
        },
        { timeoutMs: 10_000, description: 'the window freed' },
      );
      expect(accepted).toEqual({ accepted: 1, duplicates: 0 });
    });
  });
});
