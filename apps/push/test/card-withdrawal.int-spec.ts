import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import { generateVAPIDKeys } from 'web-push';
import {
  Contracts,
  SuppressionScopes,
  Topics,
  type StorefrontEventRecord,
  type Suppression,
  type TouchDue,
} from '@reclaim/contracts';
import { loadConfig, newId } from '@reclaim/core';
import {
  EventPublisher,
  fetchCommittedOffsets,
  groupFor,
  HighWatermarkReader,
  provisionTopics,
  topicFor,
} from '@reclaim/kafka';
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
import { pushTopic } from '../src/delivery/domain/resume-card';
import { CardWithdrawalConsumer } from '../src/withdrawal/card-withdrawal.consumer';

const STORE = 'store-w';
const PROJECT = 'reclaim-withdrawal-test';
const SEND_PATH = `/v1/projects/${PROJECT}/messages:send`;
const HOUR = 3_600_000;

interface FcmMessage {
  token: string;
  notification?: unknown;
  data: Record<string, string>;
  android: Record<string, unknown>;
  apns: { headers: Record<string, string> };
  webpush: { headers: Record<string, string> };
}

/**
 * Resume cards withdrawn when the cart's order completes: the push service against the real broker
 * and Postgres, a local TLS web push service (which decrypts aes128gcm as a browser would) and a
 * local FCM. Orders arrive as suppressions, as ingestion writes them.
 */
describe('push card withdrawal on order', () => {
  const prefix = uniquePrefix('push-withdraw');
  const { kafka, settings } = testKafka(prefix);
  const vapid = generateVAPIDKeys();
  const saKey = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const watermarks = new HighWatermarkReader(kafka);
  let tls: TestCertificates;
  let services: LocalPushServices;
  let database: TestDatabase;
  let app: INestApplication;
  let publisher: EventPublisher;
  let deliveries: { records: ConsumedRecord[]; stop(): Promise<void> };
  let pg: Client;

  const deliveryOf = (touchId: string) =>
    pollUntil(
      () =>
        deliveries.records
          .map((r) => r.value as { touchId: string; status: string; reason?: string })
          .find((d) => d.touchId === touchId),
      { description: `delivery of ${touchId}` },
    );

  const touch = (cartId: string, over: Partial<TouchDue> = {}): TouchDue => {
    const id = newId().slice(0, 8);
    return {
      touchId: `touch-${id}`,
      abandonmentId: `ab-${cartId}`,
      storeId: STORE,
      cartId,
      channel: 'push',
      sequence: 1,
      template: 'push-resume-card',
      incentive: 'none',
      segment: 'first_time',
      customer: {},
      cart: { currency: 'EUR', value: 900, items: [{ sku: 'm', title: 'Mug', quantity: 1, unitPrice: 900 }] },
      lastActivityAt: new Date(Date.now() - 2 * HOUR).toISOString(),
      abandonedAt: new Date(Date.now() - HOUR).toISOString(),
      dueAt: new Date().toISOString(),
      ...over,
    };
  };

  const subscribe = async (cartId: string, push: StorefrontEventRecord['event']['push'], customerId?: string) => {
    const record: StorefrontEventRecord = {
      storeId: STORE,
      receivedAt: new Date().toISOString(),
      event: {
        id: `ev-${newId()}`,
        type: 'push.subscribed',
        occurredAt: new Date().toISOString(),
        cartId,
        push,
        ...(customerId ? { customer: { id: customerId } } : {}),
      },
    };
    await publisher.publish(Contracts.storefrontEvent, [record]);
    await pollUntil(
      async () =>
        (await pg.query('SELECT 1 FROM push.push_subscriptions WHERE store_id = $1 AND cart_id = $2', [STORE, cartId]))
          .rowCount === 1,
      { description: `subscription of ${cartId}` },
    );
  };

  const browserFor = async (cartId: string, customerId?: string) => {
    const path = `/push/${newId()}`;
    const browser = new BrowserSubscription(`${services.origin}${path}`);
    services.on(path, () => ({ status: 201, headers: { Location: `${services.origin}/m/${newId()}` } }));
    await subscribe(cartId, { webPush: browser.toEvent() }, customerId);
    return { path, browser };
  };

  const send = async (t: TouchDue) => {
    await publisher.publish(Contracts.touchPush, [t]);
    expect(await deliveryOf(t.touchId)).toMatchObject({ status: 'sent' });
  };

  const order = (scope: string, cartId?: string, customerId?: string): Suppression => ({
    scope,
    storeId: STORE,
    reason: 'order_completed',
    ...(cartId ? { cartId } : {}),
    ...(customerId ? { customerId } : {}),
    orderId: `order-${newId().slice(0, 8)}`,
    sourceEventId: `ev-order-${newId()}`,
    suppressedAt: new Date().toISOString(),
  });

  /** Every suppression published so far has been handled by the withdrawal consumer (its group committed past it). */
  const withdrawalsCaughtUp = async () => {
    const topic = topicFor(settings, Topics.suppressions.name);
    await pollUntil(
      async () => {
        const [high, committed] = await Promise.all([
          watermarks.highWatermarks(topic),
          fetchCommittedOffsets(kafka, groupFor(settings, CardWithdrawalConsumer.groupId), topic),
        ]);
        return [...high].every(([p, end]) => end === 0n || (committed.get(p) ?? -1n) >= end);
      },
      { description: 'withdrawal consumer caught up' },
    );
  };

  const fcmMessages = (token: string) =>
    services
      .requestsTo(SEND_PATH)
      .map((r) => (JSON.parse(r.body.toString('utf8')) as { message: FcmMessage }).message)
      .filter((m) => m.token === token);

  beforeAll(async () => {
    tls = new TestCertificates();
    services = await new LocalPushServices(tls).start();
    services.on('/token', () => ({ status: 200, body: { access_token: `ya29.${newId()}`, expires_in: 3599 } }));
    services.on(SEND_PATH, () => ({ status: 200, body: { name: `projects/${PROJECT}/messages/0:${newId()}` } }));
    const saFile = join(tls.dir, 'service-account.json');
    writeFileSync(
      saFile,
      JSON.stringify({
        type: 'service_account',
        project_id: PROJECT,
        private_key: saKey.privateKey.export({ type: 'pkcs8', format: 'pem' }),
        client_email: 'push@reclaim-test.iam.gserviceaccount.com',
        token_uri: `${services.origin}/token`,
      }),
    );
    await provisionTopics(kafka, prefix);
    database = await createTestDatabase('push-withdraw');
    const port = await freePort();
    const config = loadConfig(PushConfig, {
      KAFKA_BROKERS: process.env['KAFKA_BROKERS'],
      KAFKA_TOPIC_PREFIX: prefix,
      DATABASE_URL: database.url,
      LOG_LEVEL: process.env['TEST_LOG_LEVEL'] ?? 'warn',
      PUSH_PORT: String(port),
      RESUME_LINK_SECRET: 'test-secret-0123456789',
      VAPID_PUBLIC_KEY: vapid.publicKey,
      VAPID_PRIVATE_KEY: vapid.privateKey,
      VAPID_SUBJECT: 'mailto:ops@shop.example',
      PUSH_REQUEST_TIMEOUT_MS: '3000',
      PUSH_EXTRA_CA_FILE: tls.caFile,
      FCM_SERVICE_ACCOUNT_FILE: saFile,
      FCM_API_BASE_URL: services.origin,
    });
    // As in push-providers.int-spec.ts: only the local push service's origin skips the endpoint guard.
    app = await runService(AppModule.register(config, { trustedOrigins: [services.origin] }), {
      port,
      host: '127.0.0.1',
    });
    publisher = new EventPublisher(kafka, settings, { source: '/reclaim/test' });
    await publisher.connect();
    deliveries = await collectTopics(kafka, [topicFor(settings, Topics.deliveries.name)]);
    pg = new Client({ connectionString: database.url });
    await pg.connect();
  });

  afterAll(async () => {
    await deliveries?.stop();
    await publisher?.disconnect();
    await watermarks.disconnect();
    await app?.close();
    await pg?.end();
    await database?.drop();
    await services?.stop();
    tls?.remove();
  });

  it("withdraws a cart's web push card once per device, under the card's topic, and never again on redelivery", async () => {
    const cartId = `cart-${newId().slice(0, 8)}`;
    const { path, browser } = await browserFor(cartId);
    const first = touch(cartId);
    await send(first);
    await send({ ...touch(cartId), abandonmentId: first.abandonmentId, sequence: 2 });
    expect(services.requestsTo(path)).toHaveLength(2);

    const ordered = order(SuppressionScopes.cart(STORE, cartId), cartId);
    await publisher.publish(Contracts.suppression, [ordered]);
    await pollUntil(() => services.requestsTo(path).length >= 3, { description: 'the withdrawal' });
    const withdrawal = services.requestsTo(path)[2];
    expect(withdrawal?.headers).toMatchObject({ topic: pushTopic(STORE, cartId), 'content-encoding': 'aes128gcm' });
    expect(Number(withdrawal?.headers['ttl'])).toBeLessThanOrEqual(3600);
    expect(browser.open(withdrawal?.body ?? Buffer.alloc(0))).toEqual({
      type: 'reclaim.card.withdrawn',
      cartId,
      tag: pushTopic(STORE, cartId),
    });

    await publisher.publish(Contracts.suppression, [ordered]);
    await withdrawalsCaughtUp();
    expect(services.requestsTo(path)).toHaveLength(3);
  });

  it("withdraws the FCM card of a customer's older cart when the customer orders another cart", async () => {
    const customerId = `cust-${newId().slice(0, 8)}`;
    const cartId = `cart-${newId().slice(0, 8)}`;
    const fcmToken = `tok-${newId()}`;
    await subscribe(cartId, { fcmToken }, customerId);
    await send(touch(cartId, { customer: { id: customerId } }));

    const orderedCart = `cart-${newId().slice(0, 8)}`;
    await publisher.publish(Contracts.suppression, [
      order(SuppressionScopes.cart(STORE, orderedCart), orderedCart, customerId),
      order(SuppressionScopes.customer(STORE, customerId), orderedCart, customerId),
    ]);
    await pollUntil(() => fcmMessages(fcmToken).length >= 2, { description: 'the FCM withdrawal' });
    await withdrawalsCaughtUp();
    const [card, withdrawal, ...more] = fcmMessages(fcmToken);
    expect(more).toHaveLength(0);
    const tag = pushTopic(STORE, cartId);
    expect(withdrawal).toMatchObject({
      data: { type: 'reclaim.card.withdrawn', cartId, tag },
      android: { collapse_key: tag },
      apns: { headers: { 'apns-collapse-id': tag } },
      webpush: { headers: { Topic: tag } },
    });
    expect(withdrawal?.notification).toBeUndefined();
    expect(card?.android['collapse_key']).toBe(tag);
  });

  it('withdraws nothing for a cart whose card was never sent (refused by the push service, or no touch yet)', async () => {
    const refusedCart = `cart-${newId().slice(0, 8)}`;
    const refused = await browserFor(refusedCart);
    services.on(refused.path, () => ({ status: 400 }));
    const t = touch(refusedCart);
    await publisher.publish(Contracts.touchPush, [t]);
    expect(await deliveryOf(t.touchId)).toMatchObject({ status: 'failed', reason: 'push_rejected:400' });
    const quietCart = `cart-${newId().slice(0, 8)}`;
    const quiet = await browserFor(quietCart);

    await publisher.publish(Contracts.suppression, [
      order(SuppressionScopes.cart(STORE, refusedCart), refusedCart),
      order(SuppressionScopes.cart(STORE, quietCart), quietCart),
    ]);
    await withdrawalsCaughtUp();
    expect(services.requestsTo(refused.path)).toHaveLength(1); // the refused card only
    expect(services.requestsTo(quiet.path)).toHaveLength(0);
  });

  it("a guest's order (shopper:email:) stops the push touch for the guest's older cart", async () => {
    const email = `ann-${newId().slice(0, 6)}@example.com`;
    const olderCart = `cart-${newId().slice(0, 8)}`;
    const { path } = await browserFor(olderCart);
    await publisher.publish(Contracts.suppression, [order(SuppressionScopes.shopperEmail(STORE, email))]);
    const t = touch(olderCart, { customer: { email } });
    await publisher.publish(Contracts.touchPush, [t]);
    expect(await deliveryOf(t.touchId)).toMatchObject({ status: 'skipped', reason: 'suppressed:order_completed' });
    expect(services.requestsTo(path)).toHaveLength(0);
  });
});
