import { generateKeyPairSync, randomInt } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import type { LookupAddress } from 'node:dns';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import { generateVAPIDKeys } from 'web-push';
import { Contracts, Topics, type StorefrontEventRecord, type TouchDue } from '@reclaim/contracts';
import { loadConfig, newId } from '@reclaim/core';
import { EventPublisher, provisionTopics, topicFor } from '@reclaim/kafka';
import { runService } from '@reclaim/platform';
import {
  collectTopics,
  createTestDatabase,
  freePort,
  pollUntil,
  testKafka,
  uniquePrefix,
  type ConsumedRecord,
  type TestDatabase,
  BrowserSubscription,
  LocalPushServices,
  TestCertificates,
} from '@reclaim/testing';
import { AppModule } from '../src/app.module';
import { PushConfig } from '../src/config';

const STORE = 'store-1';
const PROJECT = 'reclaim-test';
/** Public-looking names the injected resolver maps to loopback addresses (no /etc/hosts, no DNS server). */
const LOOPBACK_NAME = 'push.loopback-test.example';
const ALIAS_NAME = 'push.alias-test.example';

/** A TCP listener that only counts connections: any connection at all is a guard failure. */
class Trap {
  connections = 0;
  private server: Server | undefined;
  port = 0;

  constructor(readonly host: string) {}

  async listen(port = 0): Promise<this> {
    this.server = createServer((socket) => {
      this.connections += 1;
      socket.destroy();
    });
    await new Promise<void>((resolve, reject) => {
      this.server?.once('error', reject);
      this.server?.listen(port, this.host, resolve);
    });
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  close(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/** A listener on port 443 of a random 127.x.y.z address (Linux answers the whole 127/8), so parallel runs don't meet. */
async function trapOn443(): Promise<Trap> {
  for (;;) {
    const trap = new Trap(`127.${randomInt(1, 255)}.${randomInt(0, 256)}.${randomInt(1, 255)}`);
    try {
      return await trap.listen(443);
    } catch (error) {
      if ((error as { code?: string }).code !== 'EADDRINUSE') throw error;
    }
  }
}

/**
 * The endpoint guard as shipped (no allow-list, no trusted origins): shoppers' web push endpoints
 * pointing at loopback, private addresses, IPv6 loopback, a name resolving to loopback or a port
 * other than 443 are refused — never stored, or deleted with the reason at send time — and no TCP
 * connection reaches the local listeners behind them, while other carts' cards (FCM, whose URL is
 * the operator's) still go out. The only seam is the resolver, whose answers the guard checks.
 */
describe('push endpoint guard', () => {
  const prefix = uniquePrefix('push-guard');
  const { kafka, settings } = testKafka(prefix);
  const vapid = generateVAPIDKeys();
  const saKey = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const resolved: string[] = [];
  let tls: TestCertificates;
  let fcm: LocalPushServices;
  let traps: { v4: Trap; v6: Trap; on443: Trap };
  let database: TestDatabase;
  let app: INestApplication;
  let publisher: EventPublisher;
  let deliveries: { records: ConsumedRecord[]; stop(): Promise<void> };
  let pg: Client;

  const sql = async (text: string, params: unknown[] = []) =>
    (await pg.query(text, params)).rows as Array<Record<string, unknown>>;
  const deliveryOf = (touchId: string) =>
    pollUntil(
      () =>
        deliveries.records
          .map((r) => r.value as { touchId: string; status: string; reason?: string })
          .find((d) => d.touchId === touchId),
      { description: `the delivery of ${touchId}` },
    );
  const newCart = () => `cart-${newId().slice(0, 8)}`;
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
      cart: { currency: 'EUR', value: 900, items: [{ sku: 'M', title: 'Mug', quantity: 1, unitPrice: 900 }] },
      dueAt: new Date().toISOString(),
    };
  };
  const subscribed = (cartId: string, push: StorefrontEventRecord['event']['push']): StorefrontEventRecord => ({
    storeId: STORE,
    receivedAt: new Date().toISOString(),
    event: { id: `ev-${newId()}`, type: 'push.subscribed', occurredAt: new Date().toISOString(), cartId, push },
  });
  const rowsOf = (cartId: string) =>
    sql('SELECT transport, address FROM push.push_subscriptions WHERE store_id = $1 AND cart_id = $2', [STORE, cartId]);
  /** A web push subscription stored before the guard (or before a stricter allow-list) existed. */
  const storeDirectly = async (cartId: string, endpoint: string) => {
    const b = new BrowserSubscription(endpoint);
    await sql(
      `INSERT INTO push.push_subscriptions
         (store_id, cart_id, transport, address, p256dh, auth, subscribed_at, source_event_id)
       VALUES ($1, $2, 'web_push', $3, $4, $5, now(), $6)`,
      [STORE, cartId, endpoint, b.p256dh, b.auth, `ev-${newId()}`],
    );
  };
  const refusedEndpoints = () => [
    { endpoint: `https://127.0.0.1:${traps.v4.port}/push/a`, why: 'port_not_443' },
    { endpoint: `https://${traps.on443.host}/push/b`, why: 'ip_literal' },
    { endpoint: `https://[::1]:${traps.v6.port}/push/c`, why: 'port_not_443' },
    { endpoint: 'https://[::1]/push/d', why: 'ip_literal' },
    { endpoint: 'https://10.0.0.1/push/e', why: 'ip_literal' },
    { endpoint: `https://${ALIAS_NAME}:${traps.v4.port}/push/f`, why: 'port_not_443' },
    { endpoint: 'https://localhost/push/g', why: 'internal_host' },
  ];

  beforeAll(async () => {
    tls = new TestCertificates();
    traps = { v4: await new Trap('127.0.0.1').listen(), v6: await new Trap('::1').listen(), on443: await trapOn443() };
    fcm = await new LocalPushServices(tls).start();
    fcm.on('/token', () => ({ status: 200, body: { access_token: `ya29.${newId()}`, expires_in: 3599 } }));
    fcm.on(`/v1/projects/${PROJECT}/messages:send`, () => ({
      status: 200,
      body: { name: `projects/${PROJECT}/messages/0:${newId()}` },
    }));
    const saFile = join(tls.dir, 'service-account.json');
    writeFileSync(
      saFile,
      JSON.stringify({
        type: 'service_account',
        project_id: PROJECT,
        private_key: saKey.privateKey.export({ type: 'pkcs8', format: 'pem' }),
        client_email: 'push@reclaim-test.iam.gserviceaccount.com',
        token_uri: `${fcm.origin}/token`,
      }),
    );
    await provisionTopics(kafka, prefix);
    database = await createTestDatabase('push-guard');
    const port = await freePort();
    const config = loadConfig(PushConfig, {
      KAFKA_BROKERS: process.env['KAFKA_BROKERS'],
      KAFKA_TOPIC_PREFIX: prefix,
      DATABASE_URL: database.url,
      LOG_LEVEL: process.env['TEST_LOG_LEVEL'] ?? 'error',
      PUSH_PORT: String(port),
      VAPID_PUBLIC_KEY: vapid.publicKey,
      VAPID_PRIVATE_KEY: vapid.privateKey,
      VAPID_SUBJECT: 'mailto:ops@shop.example',
      PUSH_REQUEST_TIMEOUT_MS: '3000',
      PUSH_EXTRA_CA_FILE: tls.caFile,
      FCM_SERVICE_ACCOUNT_FILE: saFile,
      FCM_API_BASE_URL: fcm.origin,
    });
    const resolve = (hostname: string): Promise<LookupAddress[]> => {
      resolved.push(hostname);
      const address = { [LOOPBACK_NAME]: traps.on443.host, [ALIAS_NAME]: '127.0.0.1' }[hostname];
      return address
        ? Promise.resolve([{ address, family: 4 }])
        : Promise.reject(Object.assign(new Error(`${hostname} not found`), { code: 'ENOTFOUND' }));
    };
    app = await runService(AppModule.register(config, { resolve }), { port, host: '127.0.0.1' });
    publisher = new EventPublisher(kafka, settings, { source: '/reclaim/test' });
    await publisher.connect();
    deliveries = await collectTopics(kafka, [topicFor(settings, Topics.deliveries.name)]);
    pg = new Client({ connectionString: database.url });
    await pg.connect();
  });

  afterEach(() => {
    expect({ v4: traps.v4.connections, v6: traps.v6.connections, on443: traps.on443.connections }).toEqual({
      v4: 0,
      v6: 0,
      on443: 0,
    });
  });

  afterAll(async () => {
    await deliveries?.stop();
    await publisher?.disconnect();
    await app?.close();
    await pg?.end();
    await database?.drop();
    await fcm?.stop();
    await Promise.all(Object.values(traps ?? {}).map((t) => t.close()));
    tls?.remove();
  });

  it('does not store a refused endpoint from push.subscribed, and keeps the FCM token it came with', async () => {
    const carts = refusedEndpoints().map(({ endpoint }) => ({ cartId: newCart(), endpoint }));
    await publisher.publish(
      Contracts.storefrontEvent,
      carts.map(({ cartId, endpoint }) =>
        subscribed(cartId, { webPush: new BrowserSubscription(endpoint).toEvent(), fcmToken: `live-${newId()}` }),
      ),
    );
    for (const { cartId } of carts) {
      const rows = await pollUntil(async () => ((await rowsOf(cartId)).length > 0 ? rowsOf(cartId) : undefined), {
        description: `the token of ${cartId} stored`,
      });
      expect(rows.map((r) => r['transport'])).toEqual(['fcm']);
    }
  });

  it('refuses endpoints stored earlier at send time, deletes them with the reason, and other carts still get their cards', async () => {
    const refused = refusedEndpoints().map((r) => ({ ...r, cartId: newCart() }));
    for (const r of refused) await storeDirectly(r.cartId, r.endpoint);
    const fcmCart = newCart();
    await publisher.publish(Contracts.storefrontEvent, [subscribed(fcmCart, { fcmToken: `live-${newId()}` })]);
    await pollUntil(async () => (await rowsOf(fcmCart)).length === 1, { description: 'the FCM token stored' });

    const touches = refused.map((r) => ({ ...r, touch: touch(r.cartId) }));
    const fcmTouch = touch(fcmCart);
    await publisher.publish(Contracts.touchPush, [...touches.map((t) => t.touch), fcmTouch]);

    for (const { touch: t, why, endpoint, cartId } of touches) {
      expect([endpoint, await deliveryOf(t.touchId)]).toEqual([
        endpoint,
        expect.objectContaining({ status: 'failed', reason: `push_endpoint_refused:${why}` }),
      ]);
      expect(await rowsOf(cartId)).toEqual([]);
      const [dead] = await sql(
        `SELECT reason FROM push.dead_push_addresses WHERE address_hash = encode(sha256(convert_to($1, 'UTF8')), 'hex')`,
        [endpoint],
      );
      expect(dead).toEqual({ reason: `push_endpoint_refused:${why}` });
    }
    expect(await deliveryOf(fcmTouch.touchId)).toMatchObject({ status: 'sent' });
  });

  it('refuses, after resolving it, a public-looking name whose address is loopback', async () => {
    const cartId = newCart();
    const endpoint = `https://${LOOPBACK_NAME}/push/${newId()}`;
    await publisher.publish(Contracts.storefrontEvent, [
      subscribed(cartId, { webPush: new BrowserSubscription(endpoint).toEvent() }),
    ]);
    await pollUntil(async () => (await rowsOf(cartId)).length === 1, { description: 'the subscription stored' });
    const t = touch(cartId);
    await publisher.publish(Contracts.touchPush, [t]);
    expect(await deliveryOf(t.touchId)).toMatchObject({
      status: 'failed',
      reason: 'push_endpoint_refused:non_public_address',
    });
    expect(resolved).toContain(LOOPBACK_NAME);
    expect(await rowsOf(cartId)).toEqual([]);

    const other = newCart();
    await publisher.publish(Contracts.storefrontEvent, [subscribed(other, { fcmToken: `live-${newId()}` })]);
    await pollUntil(async () => (await rowsOf(other)).length === 1, { description: 'the FCM token stored' });
    const next = touch(other);
    await publisher.publish(Contracts.touchPush, [next]);
    expect(await deliveryOf(next.touchId)).toMatchObject({ status: 'sent' });
  });
});
