import type { INestApplication } from '@nestjs/common';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Topics } from '@reclaim/contracts';
import { loadConfig, signToken } from '@reclaim/core';
import { EventPublisher, provisionTopics, type Kafka } from '@reclaim/kafka';
import { runService } from '@reclaim/platform';
import {
  collectTopics,
  createTestDatabase,
  pollUntil,
  testKafka,
  uniquePrefix,
  type TestDatabase,
} from '@reclaim/testing';
import { AppModule } from '../src/app.module';
import { IngestionConfig } from '../src/config';

const KEY = 'store-a-key-0001';
const SECRET = 'resume-secret-for-tests';

const item = { sku: 'LS-1', productId: 'p-1', title: 'Linen Shirt', quantity: 1, unitPrice: 4900 };
/** An instant `minutes` before now: ingestion refuses events far in the past (INGESTION_MAX_EVENT_AGE). */
const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
const cartEvent = (id: string, cartId: string, at = ago(60)) => ({
  id,
  type: 'cart.updated',
  occurredAt: at,
  cartId,
  customer: { id: 'cust-1', email: 'ada@example.com' },
  cart: { currency: 'EUR', items: [item] },
});

describe('POST /v1/events', () => {
  let app: INestApplication;
  let base: string;
  let db: TestDatabase;
  let kafka: Kafka;
  let prefix: string;

  beforeAll(async () => {
    prefix = uniquePrefix('ingestion');
    ({ kafka } = testKafka(prefix));
    db = await createTestDatabase('ingestion');
    const config = loadConfig(IngestionConfig, {
      KAFKA_BROKERS: process.env['KAFKA_BROKERS'],
      KAFKA_TOPIC_PREFIX: prefix,
      DATABASE_URL: db.url,
      INGESTION_API_KEYS: `store-a:${KEY},store-b:store-b-key-0002`,
      INGESTION_KAFKA_TIMEOUT_MS: '4000',
      RESUME_LINK_SECRET: SECRET,
      LOG_LEVEL: 'warn',
    });
    app = await runService(AppModule.register(config), {
      port: 0,
      host: '127.0.0.1',
      nest: { bodyParser: false, logger: false },
    });
    base = `http://127.0.0.1:${((app.getHttpServer() as Server).address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  const post = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${base}/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  it('writes accepted events to Kafka in occurredAt order with CloudEvents headers, and an order with its suppressions', async () => {
    const observed = await collectTopics(kafka, [
      prefix + Topics.storefrontEvents.name,
      prefix + Topics.suppressions.name,
    ]);
    try {
      const res = await post({
        events: [
          {
            ...cartEvent('ord-1', 'cart-o', ago(55)),
            type: 'order.completed',
            order: { id: 'o-1', total: 4900, currency: 'EUR' },
          },
          cartEvent('upd-1', 'cart-o', ago(60)),
        ],
      });
      expect(res.status).toBe(202);
      expect(await res.json()).toEqual({ accepted: 2, duplicates: 0 });

      await pollUntil(() => observed.records.length >= 5, { description: '2 events + 3 suppressions' });
      const events = observed.records.filter((r) => r.topic.endsWith(Topics.storefrontEvents.name));
      expect(events.map((r) => (r.value as { event: { id: string } }).event.id)).toEqual(['upd-1', 'ord-1']);
      expect(new Set(events.map((r) => r.key))).toEqual(new Set(['store-a:cart-o']));
      expect(events[0]?.headers).toMatchObject({
        ce_specversion: '1.0',
        ce_id: 'store-a:upd-1',
        ce_type: 'reclaim.storefront-event',
        ce_source: '/reclaim/ingestion',
        'content-type': 'application/json',
      });
      const suppressions = observed.records.filter((r) => r.topic.endsWith(Topics.suppressions.name));
      expect(suppressions.map((r) => r.key).sort()).toEqual([
        'cart:store-a:cart-o',
        'customer:store-a:cust-1',
        'shopper:email:store-a:ada@example.com',
      ]);
      expect(suppressions[0]?.value).toMatchObject({ reason: 'order_completed', orderId: 'o-1', storeId: 'store-a' });
    } finally {
      await observed.stop();
    }
  });

  it('writes a consent withdrawal as suppressions in the same transaction, and a later grant as tombstones', async () => {
    const observed = await collectTopics(kafka, [prefix + Topics.suppressions.name]);
    const consent = (id: string, at: string, given: boolean) => ({
      id,
      type: 'consent.updated',
      occurredAt: at,
      cartId: 'cart-consent',
      customer: { id: 'cust-c', email: 'Cy@Example.com', phone: '+14155550111' },
      consent: { email: given },
    });
    try {
      const started = Date.now();
      const withdrawn = await post({ events: [consent('cw-1', ago(60), false)] });
      expect(withdrawn.status).toBe(202);
      // Acknowledged only after the guard interval, as for an order (ADR 0005).
      expect(Date.now() - started).toBeGreaterThanOrEqual(200);
      const scopes = [
        'consent:email:store-a:cart:cart-consent',
        'consent:email:store-a:customer:cust-c',
        'consent:email:store-a:email:cy@example.com',
      ];
      // Per scope (one partition each) in the order written; scopes spread over partitions.
      const ofScope = (scope: string) => observed.records.filter((r) => r.key === scope).map((r) => r.value);
      await pollUntil(() => scopes.every((scope) => ofScope(scope).length === 1), {
        description: 'a consent withdrawal under each subject',
      });
      for (const scope of scopes) {
        expect(ofScope(scope)).toEqual([
          expect.objectContaining({ reason: 'consent_withdrawn', sourceEventId: 'cw-1', customerId: 'cust-c' }),
        ]);
      }

      expect((await post({ events: [consent('cg-1', ago(1), true)] })).status).toBe(202);
      await pollUntil(() => scopes.every((scope) => ofScope(scope).length === 2), {
        description: 'a tombstone after each withdrawal',
      });
      for (const scope of scopes) expect(ofScope(scope)[1]).toBeNull();
    } finally {
      await observed.stop();
    }
  });

  it('accepts a repeated id once and counts later copies as duplicates, per store', async () => {
    const first = await post({ events: [cartEvent('dup-1', 'cart-d'), cartEvent('dup-1', 'cart-d')] });
    expect(await first.json()).toEqual({ accepted: 1, duplicates: 1 });
    const again = await post({ events: [cartEvent('dup-1', 'cart-d'), cartEvent('dup-2', 'cart-d')] });
    expect(await again.json()).toEqual({ accepted: 1, duplicates: 1 });
    const otherStore = await post(
      { events: [cartEvent('dup-1', 'cart-d')] },
      { authorization: 'Bearer store-b-key-0002' },
    );
    expect(await otherStore.json()).toEqual({ accepted: 1, duplicates: 0 });
  });

  it('rejects a batch with any invalid event with per-event details and accepts nothing from it', async () => {
    const res = await post({
      events: [
        cartEvent('mix-ok', 'cart-m'),
        { id: 'mix-bad', type: 'checkout.error', occurredAt: 'yesterday', cartId: 'cart-m' },
      ],
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: string; details: Array<{ index: number; path: string }> };
    expect(body.error).toBe('validation_failed');
    expect(body.details).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ index: 1, path: 'occurredAt' }),
        expect.objectContaining({ index: 1, path: 'error' }),
      ]),
    );
    expect(body.details.some((d) => d.index === 0)).toBe(false);
    // Nothing was accepted: the valid event of that batch is still new afterwards.
    expect(await (await post({ events: [cartEvent('mix-ok', 'cart-m')] })).json()).toEqual({
      accepted: 1,
      duplicates: 0,
    });
  });

  it.each([
    ['no key', { authorization: '' }, '{"events":[]}', 401],
    ['an unknown key', { authorization: 'Bearer not-a-real-key' }, '{"events":[]}', 401],
    ['a body that is not JSON', { 'content-type': 'text/plain' }, 'hello', 415],
    ['a malformed JSON body', {}, '{"events":', 400],
    ['an empty batch', {}, '{"events":[]}', 400],
    ['more than 1 MiB', {}, `{"events":[${'"x",'.repeat(300_000)}"x"]}`, 413],
  ])('answers %s with the specified status', async (_what, headers, body, status) => {
    const res = await post(body, headers);
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
  });

  it('answers 503 when Kafka cannot take the batch, accepts nothing, and accepts the same ids on retry', async () => {
    const admin = kafka.admin();
    await admin.connect();
    const topic = prefix + Topics.storefrontEvents.name;
    await admin.deleteTopics({ topics: [topic] });
    // Deletion completes in the background: the batch must meet a topic that is really gone.
    await pollUntil(async () => !(await admin.listTopics()).includes(topic), { description: `${topic} deleted` });
    await admin.disconnect();
    try {
      const res = await post({ events: [cartEvent('retry-1', 'cart-r')] });
      expect(res.status).toBe(503);
      // Kafka keeps retrying the missing partition: the request's deadline ends it first.
      const body = (await res.json()) as { error: string };
      expect(['unavailable', 'deadline_exceeded']).toContain(body.error);
    } finally {
      await provisionTopics(kafka, prefix);
    }
    const retried = await pollUntil(
      async () => {
        const res = await post({ events: [cartEvent('retry-1', 'cart-r')] });
        return res.status === 202 ? await res.json() : undefined;
      },
      { timeoutMs: 40_000, intervalMs: 500, description: 'retry accepted after Kafka recovered' },
    );
    expect(retried).toEqual({ accepted: 1, duplicates: 0 });
    // The given-up transaction settles in the background (aborted once Kafka answers its pending
    // request); wait for it, so nothing of this test is still talking to Kafka after the file ends.
    const publisher = app.get(EventPublisher);
    await pollUntil(() => publisher.transactionalPoolState().idle === publisher.transactionalPoolState().size, {
      timeoutMs: 60_000,
      description: 'every transactional producer back in the pool',
    });
  });

  it('answers 429 per store once a store exceeds its rate, without affecting other stores', async () => {
    const limited = loadConfig(IngestionConfig, {
      KAFKA_BROKERS: process.env['KAFKA_BROKERS'],
      KAFKA_TOPIC_PREFIX: prefix,
      DATABASE_URL: db.url,
      INGESTION_API_KEYS: `store-a:${KEY},store-b:store-b-key-0002`,
      INGESTION_RATE_LIMIT: '3',
      INGESTION_RATE_WINDOW_MS: '60000',
      INGESTION_INSTANCE_ID: 'rate-limit-test',
      LOG_LEVEL: 'warn',
    });
    const second = await runService(AppModule.register(limited), {
      port: 0,
      host: '127.0.0.1',
      nest: { bodyParser: false, logger: false },
    });
    try {
      const port = ((second.getHttpServer() as Server).address() as AddressInfo).port;
      const send = (key: string, id: string) =>
        fetch(`http://127.0.0.1:${port}/v1/events`, {
          method: 'POST',
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          body: JSON.stringify({ events: [cartEvent(id, 'cart-rate')] }),
        });
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await send(KEY, `rate-${i}`)).status);
      expect(statuses).toEqual([202, 202, 202, 429]);
      const refused = await send(KEY, 'rate-x');
      expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(await refused.json()).toMatchObject({ error: 'rate_limited' });
      expect((await send('store-b-key-0002', 'rate-b')).status).toBe(202);
    } finally {
      await second.close();
    }
  });

  describe('GET /r/:token', () => {
    const token = (payload: Record<string, unknown>, secret = SECRET) => signToken(payload, secret);
    const valid = {
      s: 'store-a',
      c: 'cart-x',
      t: 'touch-1',
      ch: 'email',
      u: 'https://shop.example/cart/cart-x',
      exp: Math.floor(Date.now() / 1000) + 3600,
    };

    it('records a click and redirects to the cart', async () => {
      const observed = await collectTopics(kafka, [prefix + Topics.deliveries.name]);
      try {
        const res = await fetch(`${base}/r/${token(valid)}`, { redirect: 'manual' });
        expect(res.status).toBe(302);
        expect(res.headers.get('location')).toBe('https://shop.example/cart/cart-x');
        const click = await pollUntil(() =>
          observed.records.find((r) => (r.value as { touchId?: string }).touchId === 'touch-1'),
        );
        expect(click.value).toMatchObject({
          status: 'clicked',
          storeId: 'store-a',
          cartId: 'cart-x',
          channel: 'email',
        });
      } finally {
        await observed.stop();
      }
    });

    it.each([
      ['tampered', 404, () => token(valid).replace(/^./, (c) => (c === 'e' ? 'f' : 'e'))],
      ['signed with another secret', 404, () => token(valid, 'some-other-secret')],
      ['expired', 410, () => token({ ...valid, exp: Math.floor(Date.now() / 1000) - 1 })],
    ])('answers a %s link with a plain HTML page (%i)', async (_what, status, make) => {
      const res = await fetch(`${base}/r/${make()}`, { redirect: 'manual' });
      expect(res.status).toBe(status);
      expect(res.headers.get('content-type')).toMatch(/text\/html/);
      expect(await res.text()).not.toMatch(/at .*\.js|Error/);
    });
  });
});
