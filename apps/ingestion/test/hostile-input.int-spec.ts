import type { INestApplication } from '@nestjs/common';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { Topics } from '@reclaim/contracts';
import { loadConfig } from '@reclaim/core';
import { provisionTopics, type Kafka } from '@reclaim/kafka';
import { runService } from '@reclaim/platform';
import {
  collectTopics,
  createTestDatabase,
  pollUntil,
  testKafka,
  uniquePrefix,
  type TestDatabase,
} from '@reclaim/testing';
import { Client } from 'pg';
import { InvalidInputError } from '@reclaim/core';
import type { StorefrontEvent } from '@reclaim/contracts';
import { AppModule } from '../src/app.module';
import { IngestionConfig } from '../src/config';
import { EventsService } from '../src/events/events.service';

const KEY = 'hostile-store-key-0001';
const STORE = 'store-h';

/**
 * The public contract against a hostile client (docs/EVENTS.md, "Strings"): what PostgreSQL or
 * UTF-8 cannot hold is refused at the edge with 400 and the field's path, never accepted into a
 * poison record, never answered 503; whatever is accepted is stored and published exactly as sent.
 */
describe('POST /v1/events against hostile input', () => {
  let app: INestApplication;
  let base: string;
  let db: TestDatabase;
  let pg: Client;
  let kafka: Kafka;
  let prefix: string;
  let observed: Awaited<ReturnType<typeof collectTopics>>;
  let serial = 0;

  const now = () => new Date(Date.now() - 60_000).toISOString();
  const cartEvent = (over: Record<string, unknown> = {}) => ({
    id: `ev-${++serial}`,
    type: 'cart.updated',
    occurredAt: now(),
    cartId: `cart-${serial}`,
    customer: { id: 'cust-1', email: 'ada@example.com' },
    cart: { currency: 'EUR', items: [{ sku: 'LS-1', title: 'Linen Shirt', quantity: 1, unitPrice: 4900 }] },
    ...over,
  });

  beforeAll(async () => {
    prefix = uniquePrefix('hostile');
    ({ kafka } = testKafka(prefix));
    db = await createTestDatabase('hostile');
    const config = loadConfig(IngestionConfig, {
      KAFKA_BROKERS: process.env['KAFKA_BROKERS'],
      KAFKA_TOPIC_PREFIX: prefix,
      DATABASE_URL: db.url,
      INGESTION_API_KEYS: `${STORE}:${KEY}`,
      INGESTION_RATE_LIMIT: '100000',
      LOG_LEVEL: 'warn',
    });
    app = await runService(AppModule.register(config), {
      port: 0,
      host: '127.0.0.1',
      nest: { bodyParser: false, logger: false },
    });
    await provisionTopics(kafka, prefix);
    base = `http://127.0.0.1:${((app.getHttpServer() as Server).address() as AddressInfo).port}`;
    observed = await collectTopics(kafka, [prefix + Topics.storefrontEvents.name, prefix + Topics.suppressions.name]);
    pg = new Client({ connectionString: db.url, options: '-c search_path=ingestion' });
    await pg.connect();
  });

  afterAll(async () => {
    await observed?.stop();
    await pg?.end();
    await app?.close();
    await db?.drop();
  });

  const post = (body: string | Buffer | object) =>
    fetch(`${base}/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body),
    });
  const publishedEvents = () =>
    observed.records
      .filter((r) => r.topic.endsWith(Topics.storefrontEvents.name))
      .map((r) => (r.value as { event: { id: string } }).event);
  /** Sends a valid marker and waits for it: everything accepted before it has been published by then. */
  const drain = async () => {
    const marker = cartEvent();
    expect((await post({ events: [marker] })).status).toBe(202);
    await pollUntil(() => publishedEvents().some((e) => e.id === marker.id), { description: `marker ${marker.id}` });
  };

  it('refuses U+0000 in an order’s cart id with 400 naming the field, and publishes nothing of it', async () => {
    const order = cartEvent({
      type: 'order.completed',
      cartId: 'c\u0000x',
      order: { id: 'o-1', total: 4900, currency: 'EUR' },
    });
    const res = await post({ events: [order] });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      error: 'validation_failed',
      details: [{ index: 0, path: 'cartId', message: 'must not contain control characters' }],
    });
    await drain();
    expect(publishedEvents().map((e) => e.id)).not.toContain(order.id);
    expect(observed.records.filter((r) => r.topic.endsWith(Topics.suppressions.name))).toEqual([]);
  });

  it('answers an id holding U+0000 with 400 (a permanent error), not 503, and takes the valid events without it', async () => {
    const good = cartEvent();
    const bad = cartEvent({ id: 'x\u0000' });
    for (let attempt = 0; attempt < 2; attempt++) {
      const res = await post({ events: [good, bad] });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ details: [{ index: 1, path: 'id' }] });
    }
    const res = await post({ events: [good] });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ accepted: 1, duplicates: 0 });
  });

  it('classes a value the event store refuses as invalid input (400), not an outage (503), even past the edge', async () => {
    // Straight to the service, as if the edge's rules had missed it: PostgreSQL refuses U+0000.
    const sut = app.get(EventsService);
    const event = { ...cartEvent(), id: 'past-the-edge\u0000' } as StorefrontEvent;
    await expect(sut.ingest(STORE, [event])).rejects.toBeInstanceOf(InvalidInputError);
  });

  it('refuses a lone surrogate (a JSON escape) instead of storing U+FFFD, so it never collides with another id', async () => {
    const lone = await post(
      `{"events":[${JSON.stringify(cartEvent({ id: 'PLACEHOLDER' })).replace('PLACEHOLDER', 'dup\\ud800')}]}`,
    );
    expect(lone.status).toBe(400);
    expect(await lone.json()).toMatchObject({
      details: [{ index: 0, path: 'id', message: 'must not contain a lone surrogate (broken Unicode)' }],
    });
    // The id U+FFFD would have become is a different id: accepted, not a duplicate.
    const replacement = await post({ events: [cartEvent({ id: 'dup\ufffd' })] });
    expect(await replacement.json()).toEqual({ accepted: 1, duplicates: 0 });
  });

  it('refuses a body that is not strict UTF-8 (an invalid byte in a title) instead of storing U+FFFD', async () => {
    const json = JSON.stringify({ events: [cartEvent()] }).replace('Linen Shirt', 'Linen \u0001');
    const bytes = Buffer.from(json, 'utf8');
    bytes[bytes.indexOf(0x01)] = 0xff;
    const res = await post(bytes);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      error: 'validation_failed',
      details: [{ index: null, path: '', message: 'body is not valid UTF-8' }],
    });
  });

  it('accepts an internationalised e-mail address and publishes it normalised, its order suppression too', async () => {
    const order = cartEvent({
      type: 'order.completed',
      customer: { email: 'Jösé@Exämple.com' },
      order: { id: 'o-idn', total: 4900, currency: 'EUR' },
    });
    expect((await post({ events: [order] })).status).toBe(202);
    const published = await pollUntil(() => publishedEvents().find((e) => e.id === order.id), {
      description: 'the IDN order',
    });
    expect(published).toMatchObject({ customer: { email: 'Jösé@xn--exmple-cua.com' } });
    await pollUntil(() => observed.records.some((r) => r.key === `shopper:email:${STORE}:jösé@xn--exmple-cua.com`), {
      description: 'the shopper suppression under the normalised address',
    });
  });

  describe('fuzz', () => {
    // Every UTF-16 code unit (lone surrogates, U+0000, controls), astral characters, and the
    // characters that break naive parsers.
    const anyUnit = fc.oneof(
      { weight: 3, arbitrary: fc.string({ unit: 'grapheme', maxLength: 1 }) },
      { weight: 2, arbitrary: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)) },
      {
        weight: 1,
        arbitrary: fc.constantFrom('\u0000', '\n', '\u007f', '\u0085', '\ud800', '\udfff', '🧵', '"', '\\'),
      },
    );
    const anyString = fc.oneof(
      { weight: 6, arbitrary: fc.string({ unit: anyUnit, minLength: 1, maxLength: 24 }) },
      { weight: 1, arbitrary: fc.string({ unit: anyUnit, minLength: 100, maxLength: 3_000 }) },
    );
    const anyJson = fc.oneof(
      anyString,
      fc.integer(),
      fc.double(),
      fc.boolean(),
      fc.constant(null),
      fc.object({ maxDepth: 4 }),
    );
    /** A field: usually plausible, sometimes any string, sometimes any JSON value at all. */
    const field = <T>(plausible: fc.Arbitrary<T>) =>
      fc.oneof(
        { weight: 40, arbitrary: plausible },
        { weight: 2, arbitrary: anyString },
        { weight: 1, arbitrary: anyJson },
      );
    const event = fc.record(
      {
        id: field(fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 20 })),
        type: field(fc.constantFrom('cart.updated', 'cart.viewed', 'checkout.started', 'order.completed')),
        occurredAt: field(fc.constant(now())),
        cartId: field(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 })),
        customer: fc.record(
          {
            id: field(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 })),
            email: field(fc.constantFrom('ada@example.com', 'jösé@example.org', 'x@y')),
            firstName: field(fc.string({ unit: 'grapheme', maxLength: 20 })),
          },
          { requiredKeys: [] },
        ),
        cart: fc.record({
          currency: field(fc.constantFrom('EUR', 'USD', 'JPY', 'ZZZ')),
          items: fc.array(
            fc.record({
              sku: field(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 })),
              title: field(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 })),
              quantity: field(fc.integer({ min: 1, max: 5 })),
              unitPrice: field(fc.integer({ min: 0, max: 100_000 })),
              url: field(fc.constantFrom('https://shop.example/p/1', 'javascript:alert(1)')),
            }),
            { maxLength: 3 },
          ),
        }),
        order: fc.record({
          id: field(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 })),
          total: fc.integer({ min: 0, max: 100_000 }),
          currency: fc.constant('EUR'),
        }),
      },
      { requiredKeys: ['id', 'type', 'occurredAt'] },
    );

    it('answers every batch 202 or 4xx, never 5xx, and stores and publishes what it accepts exactly as sent', async () => {
      let accepted = 0;
      let refused = 0;
      await fc.assert(
        fc.asyncProperty(fc.array(event, { minLength: 1, maxLength: 3 }), async (events) => {
          // Unique ids across runs (a suffix keeps whatever the generated id holds).
          const batch = events.map((e) => (typeof e.id === 'string' ? { ...e, id: `${e.id}#${++serial}` } : e));
          const res = await post({ events: batch });
          const body = (await res.json()) as { accepted?: number; error?: string };
          expect(res.status === 202 || (res.status >= 400 && res.status < 500)).toBe(true);
          if (res.status !== 202) {
            refused++;
            expect(body.error).toBe('validation_failed');
            return;
          }
          accepted++;
          const sent = JSON.parse(JSON.stringify(batch)) as Array<{ id: string; customer?: { email?: string } }>;
          const published = await pollUntil(
            () => {
              const found = sent.map((e) => publishedEvents().find((p) => p.id === e.id));
              return found.every(Boolean) && found;
            },
            { description: 'the accepted batch on the topic' },
          );
          sent.forEach((e, i) => {
            // The one normalisation the contract makes: an e-mail address's domain (IDNA, lower case).
            const expected =
              e.customer?.email === undefined
                ? e
                : {
                    ...e,
                    customer: {
                      ...e.customer,
                      email: e.customer.email.replace(/@(.*)$/, (_m, d: string) => `@${d.toLowerCase()}`),
                    },
                  };
            expect(published[i]).toEqual(expected);
          });
          const stored = await pg.query<{ event_id: string }>(
            'SELECT event_id FROM accepted_events WHERE store_id = $1 AND event_id = ANY($2)',
            [STORE, sent.map((e) => e.id)],
          );
          expect(stored.rows.map((r) => r.event_id).sort()).toEqual(sent.map((e) => e.id).sort());
        }),
        // Seeded: how many of the generated batches are valid varies from seed to seed (one CI run
        // drew only 3 valid ones out of 120), and the counts below must not depend on luck.
        // FUZZ_SEED explores other seeds locally.
        { numRuns: 120, endOnFailure: true, seed: Number(process.env['FUZZ_SEED'] ?? 20261207) },
      );
      // The fuzz means something only when both answers occurred.
      expect(accepted).toBeGreaterThan(5);
      expect(refused).toBeGreaterThan(5);
    });
  });
});
