import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import { generateVAPIDKeys } from 'web-push';
import {
  cartKey,
  ConsumerGroups,
  Contracts,
  deadLetterTopicSpec,
  Topics,
  type StorefrontEventRecord,
  type TouchDue,
} from '@reclaim/contracts';
import { loadConfig, newId } from '@reclaim/core';
import { buildMessage, EventPublisher, provisionTopics, topicFor, type OutgoingMessage } from '@reclaim/kafka';
import { runService } from '@reclaim/platform';
import {
  BrowserSubscription,
  collectTopics,
  createTestDatabase,
  freePort,
  LocalPushServices,
  partitionForKey,
  pollUntil,
  TestCertificates,
  testKafka,
  uniquePrefix,
  type ConsumedRecord,
  type TestDatabase,
} from '@reclaim/testing';
import { AppModule } from '../src/app.module';
import { PushConfig } from '../src/config';
import { PushSubscriptionsConsumer } from '../src/subscriptions/push-subscriptions.consumer';

const STORE = 'store-1';
const MAX_ATTEMPTS = 4;
const REQUEST_TIMEOUT_MS = 1_500;

interface DeliveryRecord {
  touchId: string;
  status: string;
  reason?: string;
}

/**
 * A TCP listener that accepts connections and never says a word: a push endpoint whose TLS
 * handshake never completes, so no request can ever be written to it.
 */
class SilentListener {
  readonly connections: Socket[] = [];
  private readonly server: Server = createServer((socket) => {
    socket.on('error', () => undefined);
    this.connections.push(socket);
  });

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return this;
  }

  get origin(): string {
    return `https://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    for (const s of this.connections) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/**
 * The push service under faults on the real broker and Postgres (docs/reliability.md): a web push
 * endpoint that never answers, and records nobody can read. Healthy endpoints are on the local TLS
 * push service (LocalPushServices); both origins pass the endpoint guard through its test seam.
 */
describe('push under faults: a silent push endpoint, unreadable records', () => {
  const prefix = uniquePrefix('push-faults');
  const { kafka, settings } = testKafka(prefix);
  const vapid = generateVAPIDKeys();
  let tls: TestCertificates;
  let services: LocalPushServices;
  let silent: SilentListener;
  let database: TestDatabase;
  let app: INestApplication;
  let publisher: EventPublisher;
  let observer: { records: ConsumedRecord[]; stop(): Promise<void> };
  let pg: Client;

  const touchTopic = () => topicFor(settings, Topics.touchesPush.name);
  const deliveriesOf = (touchId: string) =>
    observer.records
      .filter((r) => r.topic === topicFor(settings, Topics.deliveries.name))
      .map((r) => r.value as DeliveryRecord)
      .filter((d) => d.touchId === touchId);
  const deadLetters = () =>
    observer.records.filter((r) => r.topic === topicFor(settings, deadLetterTopicSpec('push').name));
  const ledgerRow = async (touchId: string) =>
    (await pg.query('SELECT status, reason, retries FROM push.send_ledger WHERE touch_id = $1', [touchId])).rows[0] as
      { status: string; reason: string | null; retries: number } | undefined;
  const storedSubscriptions = async (cartIds: string[]) =>
    Number(
      (
        await pg.query('SELECT count(*) AS n FROM push.push_subscriptions WHERE store_id = $1 AND cart_id = ANY($2)', [
          STORE,
          cartIds,
        ])
      ).rows[0]?.n,
    );

  const touch = (cartId: string): TouchDue => {
    const id = newId().slice(0, 8);
    return {
      touchId: `touch-${id}`,
      abandonmentId: `ab-${id}`,
      storeId: STORE,
      cartId,
      channel: 'push',
      sequence: 1,
      template: 'push-resume-card',
      incentive: 'none',
      segment: 'first_time',
      customer: {},
      cart: {
        currency: 'EUR',
        value: 15900,
        items: [{ sku: 'B-42', title: 'Chelsea Boots', quantity: 1, unitPrice: 15900 }],
      },
      abandonedAt: new Date(Date.now() - 3_600_000).toISOString(),
      dueAt: new Date().toISOString(),
    };
  };
  const subscribed = (cartId: string, endpoint: string): StorefrontEventRecord => ({
    storeId: STORE,
    receivedAt: new Date().toISOString(),
    event: {
      id: `ev-${newId()}`,
      type: 'push.subscribed',
      occurredAt: new Date().toISOString(),
      cartId,
      push: { webPush: new BrowserSubscription(endpoint).toEvent() },
    },
  });
  const newCart = () => `cart-${newId().slice(0, 8)}`;

  beforeAll(async () => {
    tls = new TestCertificates();
    services = await new LocalPushServices(tls).start();
    silent = await new SilentListener().start();
    await provisionTopics(kafka, prefix);
    database = await createTestDatabase('push-faults');
    const port = await freePort();
    const config = loadConfig(PushConfig, {
      KAFKA_BROKERS: process.env['KAFKA_BROKERS'],
      KAFKA_TOPIC_PREFIX: prefix,
      DATABASE_URL: database.url,
      LOG_LEVEL: process.env['TEST_LOG_LEVEL'] ?? 'warn',
      PUSH_PORT: String(port),
      RESUME_LINK_SECRET: 'push-faults-secret-0123',
      PUBLIC_BASE_URL: 'https://api.shop.example',
      VAPID_PUBLIC_KEY: vapid.publicKey,
      VAPID_PRIVATE_KEY: vapid.privateKey,
      VAPID_SUBJECT: 'mailto:ops@shop.example',
      PUSH_EXTRA_CA_FILE: tls.caFile,
      PUSH_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
      TOUCH_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
      TOUCH_RETRY_BASE: '250ms',
      TOUCH_RETRY_CAP: '1s',
      TOUCH_RETRY_POLL_INTERVAL_MS: '50',
    });
    // Both local origins are on 127.0.0.1 at random ports, which the guard refuses: the test seam lets exactly them through.
    app = await runService(AppModule.register(config, { trustedOrigins: [services.origin, silent.origin] }), {
      port,
      host: '127.0.0.1',
    });
    publisher = new EventPublisher(kafka, settings, { source: '/reclaim/test' });
    await publisher.connect();
    observer = await collectTopics(kafka, [
      touchTopic(),
      topicFor(settings, Topics.deliveries.name),
      topicFor(settings, deadLetterTopicSpec('push').name),
    ]);
    pg = new Client({ connectionString: database.url });
    await pg.connect();
  });

  afterAll(async () => {
    await observer?.stop();
    await publisher?.disconnect();
    await app?.close();
    await pg?.end();
    await database?.drop();
    await silent?.stop();
    await services?.stop();
    tls?.remove();
  });

  it('retries a push endpoint that never answers from the ledger until retries_exhausted, while the carts behind it on its partition are sent', async () => {
    const stuckCart = newCart();
    // 8 carts on the stuck cart's touch partition (whatever the topic's partition count), 16 anywhere.
    const partitionOf = (cartId: string) => partitionForKey(cartKey(STORE, cartId), Topics.touchesPush.partitions);
    const sameAsStuck = () => {
      for (;;) {
        const cartId = newCart();
        if (partitionOf(cartId) === partitionOf(stuckCart)) return cartId;
      }
    };
    const carts = [...Array.from({ length: 8 }, sameAsStuck), ...Array.from({ length: 16 }, newCart)];
    const paths = new Map(carts.map((c) => [c, `/push/${newId()}`]));
    for (const path of paths.values()) services.on(path, () => ({ status: 201 }));
    await publisher.publish(Contracts.storefrontEvent, [
      subscribed(stuckCart, `${silent.origin}/push/silent`),
      ...carts.map((c) => subscribed(c, `${services.origin}${paths.get(c)}`)),
    ]);
    await pollUntil(async () => (await storedSubscriptions([stuckCart, ...carts])) === carts.length + 1, {
      description: 'every subscription stored',
    });

    const stuck = touch(stuckCart);
    await publisher.publish(Contracts.touchPush, [stuck]);
    const others = carts.map(touch);
    for (const o of others) await publisher.publish(Contracts.touchPush, [o]);

    const seenOn = (touchId: string) =>
      observer.records.find((r) => r.topic === touchTopic() && (r.value as TouchDue).touchId === touchId)?.partition;
    await pollUntil(() => [stuck, ...others].every((t) => seenOn(t.touchId) !== undefined), {
      description: 'every touch seen on the topic',
    });
    // Published after it on its partition: at least the 8 chosen for it.
    const behind = others.filter((o) => seenOn(o.touchId) === seenOn(stuck.touchId));
    expect(behind.length).toBeGreaterThanOrEqual(8);

    // Every cart behind it is sent while the silent endpoint's touch still waits in the ledger.
    await pollUntil(() => behind.every((o) => deliveriesOf(o.touchId).some((d) => d.status === 'sent')), {
      description: 'the carts behind the stuck touch sent',
    });
    expect(deliveriesOf(stuck.touchId)).toEqual([]);
    expect(await ledgerRow(stuck.touchId)).toMatchObject({ status: 'pending', reason: 'push_unreachable:timeout' });

    const [final] = await pollUntil(() => deliveriesOf(stuck.touchId).length > 0 && deliveriesOf(stuck.touchId), {
      timeoutMs: 40_000,
      description: 'the stuck touch settled',
    });
    expect(final).toMatchObject({ status: 'failed', reason: 'retries_exhausted' });
    // One TLS connection per attempt, none ever got past the handshake: nothing was written.
    expect(silent.connections).toHaveLength(MAX_ATTEMPTS);
    expect(await ledgerRow(stuck.touchId)).toMatchObject({ status: 'failed', retries: MAX_ATTEMPTS });

    // Nothing lost, nothing doubled: every other cart has one outcome, `sent`, and one card.
    for (const o of others) {
      expect(deliveriesOf(o.touchId).map((d) => d.status)).toEqual(['sent']);
      expect(services.requestsTo(paths.get(o.cartId) ?? '')).toHaveLength(1);
    }
    expect(deliveriesOf(stuck.touchId)).toHaveLength(1);
    expect(deadLetters()).toEqual([]);
    console.log(
      `[push-faults] silent endpoint: ${MAX_ATTEMPTS} connection attempts, 0 requests written, outcome failed:retries_exhausted; ` +
        `${others.length} other touches sent (${behind.length} behind it on its partition, all before it settled); 0 lost, 0 doubled, 0 dead-lettered`,
    );
  });

  it('dead-letters a record with ce_specversion 0.3 and one that is not JSON, with the reason, and handles the valid record after them on the same partition', async () => {
    const before = deadLetters().length;
    const producer = kafka.producer();
    await producer.connect();
    /** Three records in one batch to partition 0: the two unreadable ones, then a valid one. */
    const sendAll = async (records: OutgoingMessage[]) => {
      const [meta] = await producer.send({
        topic: records[0]!.topic,
        acks: -1,
        messages: records.map((m) => ({ key: m.key, value: m.value, headers: m.headers, partition: 0 })),
      });
      return BigInt(meta!.baseOffset ?? '0');
    };
    const opts = { source: '/reclaim/test', topicPrefix: prefix };
    const unreadable = (m: OutgoingMessage): OutgoingMessage[] => [
      { ...m, headers: { ...m.headers, ce_specversion: '0.3' } }, // otherwise valid: would be handled if accepted
      { ...m, value: '{"not json', headers: { ...m.headers, ce_id: `${m.headers['ce_id']}-garbage` } },
    ];

    try {
      // Storefront events (group reclaim.push.subscriptions).
      const [oldSpecCart, goodCart] = [newCart(), newCart()];
      const events = [
        ...unreadable(
          buildMessage(Contracts.storefrontEvent, subscribed(oldSpecCart, `${services.origin}/push/a`), opts),
        ),
        buildMessage(Contracts.storefrontEvent, subscribed(goodCart, `${services.origin}/push/b`), opts),
      ];
      const eventsBase = await sendAll(events);

      // Push touches (group reclaim.push), to a cart whose card the local push service takes.
      const path = `/push/${newId()}`;
      services.on(path, () => ({ status: 201 }));
      const [touchedCart] = [newCart()];
      await publisher.publish(Contracts.storefrontEvent, [subscribed(touchedCart, `${services.origin}${path}`)]);
      await pollUntil(async () => (await storedSubscriptions([touchedCart])) === 1, { description: 'subscription' });
      const [oldSpec, valid] = [touch(touchedCart), touch(touchedCart)];
      const touches = [
        ...unreadable(buildMessage(Contracts.touchPush, oldSpec, opts)),
        buildMessage(Contracts.touchPush, valid, opts),
      ];
      const touchesBase = await sendAll(touches);

      // The valid records after them were handled: the subscription stored, the card sent once.
      await pollUntil(async () => (await storedSubscriptions([goodCart])) === 1, {
        description: 'the valid subscription',
      });
      await pollUntil(() => deliveriesOf(valid.touchId).length > 0, { description: 'the valid touch answered' });
      expect(deliveriesOf(valid.touchId).map((d) => d.status)).toEqual(['sent']);
      expect(services.requestsTo(path)).toHaveLength(1);
      // The 0.3 records had no effect: no subscription, no outcome for their touch.
      expect(await storedSubscriptions([oldSpecCart])).toBe(0);
      expect(deliveriesOf(oldSpec.touchId)).toEqual([]);

      const dead = await pollUntil(() => deadLetters().length >= before + 4 && deadLetters().slice(before), {
        description: 'four dead letters',
      });
      const source = (topic: string, offset: bigint) => `${topic}/0@${offset}`;
      const storefront = topicFor(settings, Topics.storefrontEvents.name);
      const bySource = new Map(dead.map((d) => [d.headers['x-reclaim-dlq-source'], d.headers]));
      expect(bySource.get(source(storefront, eventsBase))).toMatchObject({
        'x-reclaim-dlq-reason': 'unsupported ce_specversion "0.3", expected "1.0"',
        'x-reclaim-dlq-kind': 'permanent',
        'x-reclaim-dlq-group': `${prefix}${PushSubscriptionsConsumer.groupId}`,
      });
      expect(bySource.get(source(storefront, eventsBase + 1n))?.['x-reclaim-dlq-reason']).toMatch(/^value is not JSON/);
      expect(bySource.get(source(touchTopic(), touchesBase))).toMatchObject({
        'x-reclaim-dlq-reason': 'unsupported ce_specversion "0.3", expected "1.0"',
        'x-reclaim-dlq-kind': 'permanent',
        'x-reclaim-dlq-group': `${prefix}${ConsumerGroups.push}`,
      });
      expect(bySource.get(source(touchTopic(), touchesBase + 1n))?.['x-reclaim-dlq-reason']).toMatch(
        /^value is not JSON/,
      );
      expect(dead).toHaveLength(4);
      console.log(
        `[push-faults] unreadable records: 4 published (2 storefront events, 2 touches), 4 dead-lettered with a reason; ` +
          `the valid record after them on each partition handled (1 subscription stored, 1 card sent); 0 lost, 0 doubled`,
      );
    } finally {
      await producer.disconnect();
    }
  });
});
