import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { verify } from 'jsonwebtoken';
import { Client } from 'pg';
import { generateVAPIDKeys } from 'web-push';
import {
  cartKey,
  Contracts,
  deadLetterTopicSpec,
  openResumeToken,
  readResumeToken,
  SuppressionScopes,
  Topics,
  type StorefrontEventRecord,
  type TouchDue,
} from '@reclaim/contracts';
import { loadConfig, newId } from '@reclaim/core';
import { EventPublisher, provisionTopics, topicFor, type Kafka, type KafkaSettings } from '@reclaim/kafka';
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
  verifyVapid,
} from '@reclaim/testing';
import { AppModule } from '../src/app.module';
import { PushConfig } from '../src/config';
import { pushTopic } from '../src/delivery/domain/resume-card';
import { PushSubscriptionsConsumer } from '../src/subscriptions/push-subscriptions.consumer';

const SECRET = 'test-secret-0123456789';
const STORE = 'store-1';
const PROJECT = 'reclaim-test';
const SEND_PATH = `/v1/projects/${PROJECT}/messages:send`;

interface DeliveryRecord {
  touchId: string;
  status: string;
  reason?: string;
  deliveryId: string;
  providerMessageId?: string;
}

/**
 * The push service against the real broker and Postgres, handing cards to a local TLS web push
 * service (which decrypts them with the subscription's private key and checks VAPID, as a push
 * service and a browser would) and a local TLS server speaking FCM HTTP v1 with its OAuth2 token
 * endpoint. The service trusts the test CA for its push connections only.
 */
describe('push hand-off to web push and FCM', () => {
  const prefix = uniquePrefix('push-providers');
  const { kafka, settings }: { kafka: Kafka; settings: KafkaSettings } = testKafka(prefix);
  const vapid = generateVAPIDKeys();
  const saKey = generateKeyPairSync('rsa', { modulusLength: 2048 });
  let tls: TestCertificates;
  let services: LocalPushServices;
  let database: TestDatabase;
  let app: INestApplication;
  let publisher: EventPublisher;
  let deliveries: { records: ConsumedRecord[]; stop(): Promise<void> };
  let pg: Client;
  const accessTokens: string[] = [];

  const sql = async (text: string, params: unknown[] = []) =>
    (await pg.query(text, params)).rows as Array<Record<string, unknown>>;
  const deliveriesOf = (touchId: string) =>
    deliveries.records.map((r) => r.value as DeliveryRecord).filter((d) => d.touchId === touchId);
  const waitForDelivery = (touchId: string, count = 1) =>
    pollUntil(() => deliveriesOf(touchId).length >= count && deliveriesOf(touchId), {
      description: `${count} deliveries for ${touchId}`,
    });

  const touch = (cartId: string, over: Partial<TouchDue> = {}): TouchDue => {
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
        items: [
          {
            sku: 'B-42',
            title: 'Chelsea Boots',
            quantity: 1,
            unitPrice: 15900,
            imageUrl: 'https://cdn.shop.example/boots.jpg',
          },
        ],
      },
      abandonedAt: new Date(Date.now() - 3_600_000).toISOString(),
      dueAt: new Date().toISOString(),
      ...over,
    };
  };

  const subscribed = (cartId: string, push: StorefrontEventRecord['event']['push']): StorefrontEventRecord => ({
    storeId: STORE,
    receivedAt: new Date().toISOString(),
    event: { id: `ev-${newId()}`, type: 'push.subscribed', occurredAt: new Date().toISOString(), cartId, push },
  });

  const subscription = (cartId: string) =>
    sql('SELECT transport, address FROM push.push_subscriptions WHERE store_id = $1 AND cart_id = $2', [STORE, cartId]);

  /** A web push subscription stored for a new cart, its endpoint on the local push service. */
  const subscribeBrowser = async () => {
    const cartId = `cart-${newId().slice(0, 8)}`;
    const path = `/push/${newId()}`;
    const browser = new BrowserSubscription(`${services.origin}${path}`);
    await publisher.publish(Contracts.storefrontEvent, [subscribed(cartId, { webPush: browser.toEvent() })]);
    await pollUntil(async () => (await subscription(cartId)).length === 1, { description: 'subscription stored' });
    return { cartId, path, browser };
  };

  beforeAll(async () => {
    tls = new TestCertificates();
    services = await new LocalPushServices(tls).start();
    services.on('/token', (req) => {
      const form = new URLSearchParams(req.body.toString('utf8'));
      if (form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:jwt-bearer') throw new Error('bad grant_type');
      const claims = verify(form.get('assertion') ?? '', saKey.publicKey, {
        algorithms: ['RS256'],
        audience: `${services.origin}/token`,
        issuer: 'push@reclaim-test.iam.gserviceaccount.com',
      });
      if (typeof claims === 'string' || claims['scope'] !== 'https://www.googleapis.com/auth/firebase.messaging')
        throw new Error('bad scope');
      const token = `ya29.${newId()}`;
      accessTokens.push(token);
      return { status: 200, body: { access_token: token, expires_in: 3599, token_type: 'Bearer' } };
    });
    services.on(SEND_PATH, (req) => {
      if (!accessTokens.some((t) => req.headers['authorization'] === `Bearer ${t}`))
        return { status: 401, body: { error: { code: 401, status: 'UNAUTHENTICATED' } } };
      const { message } = JSON.parse(req.body.toString('utf8')) as { message: { token: string } };
      if (message.token.startsWith('dead-'))
        return {
          status: 404,
          body: {
            error: {
              code: 404,
              message: 'Requested entity was not found.',
              status: 'NOT_FOUND',
              details: [{ '@type': 'type.googleapis.com/google.firebase.fcm.v1.FcmError', errorCode: 'UNREGISTERED' }],
            },
          },
        };
      return { status: 200, body: { name: `projects/${PROJECT}/messages/0:${newId()}` } };
    });
    const saFile = join(tls.dir, 'service-account.json');
    writeFileSync(
      saFile,
      JSON.stringify({
        type: 'service_account',
        project_id: PROJECT,
        private_key_id: 'kid-1',
        private_key: saKey.privateKey.export({ type: 'pkcs8', format: 'pem' }),
        client_email: 'push@reclaim-test.iam.gserviceaccount.com',
        token_uri: 'https://oauth2.googleapis.com/token',
      }),
    );

    await provisionTopics(kafka, prefix);
    database = await createTestDatabase('push-providers');
    const port = await freePort();
    const config = loadConfig(PushConfig, {
      KAFKA_BROKERS: process.env['KAFKA_BROKERS'],
      KAFKA_TOPIC_PREFIX: prefix,
      DATABASE_URL: database.url,
      LOG_LEVEL: process.env['TEST_LOG_LEVEL'] ?? 'warn',
      PUSH_PORT: String(port),
      RESUME_LINK_SECRET: SECRET,
      PUBLIC_BASE_URL: 'https://api.shop.example',
      VAPID_PUBLIC_KEY: vapid.publicKey,
      VAPID_PRIVATE_KEY: vapid.privateKey,
      VAPID_SUBJECT: 'mailto:ops@shop.example',
      PUSH_TTL: '4h',
      PUSH_REQUEST_TIMEOUT_MS: '3000',
      PUSH_EXTRA_CA_FILE: tls.caFile,
      FCM_SERVICE_ACCOUNT_FILE: saFile,
      FCM_API_BASE_URL: services.origin,
      FCM_TOKEN_URL: `${services.origin}/token`,
      // A web push endpoint that does not take a card is retried from the send ledger: quickly here.
      TOUCH_RETRY_BASE: '100ms',
      TOUCH_RETRY_POLL_INTERVAL_MS: '50',
    });
    // The local push service is on 127.0.0.1 at a random port, which the endpoint guard refuses;
    // this test-only seam lets exactly that origin through (push-endpoint-guard.int-spec.ts runs the guard as shipped).
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
    await app?.close();
    await pg?.end();
    await database?.drop();
    await services?.stop();
    tls?.remove();
  });

  it('sends exactly one encrypted resume card, signed with VAPID, and never again on redelivery', async () => {
    const { cartId, path, browser } = await subscribeBrowser();
    services.on(path, () => ({ status: 201, headers: { Location: `${services.origin}/m/${newId()}` } }));
    const t = touch(cartId);
    await publisher.publish(Contracts.touchPush, [t]);
    const [first] = await waitForDelivery(t.touchId);
    expect(first).toMatchObject({ status: 'sent', providerMessageId: expect.stringMatching(/\/m\//) });

    const [req, ...more] = services.requestsTo(path);
    expect(more).toHaveLength(0);
    expect(req?.headers).toMatchObject({
      ttl: '14400',
      topic: pushTopic(STORE, cartId),
      urgency: 'normal',
      'content-encoding': 'aes128gcm',
    });
    const claims = verifyVapid(req?.headers['authorization'] as string, browser.endpoint, vapid.publicKey);
    expect(claims['sub']).toBe('mailto:ops@shop.example');

    const card = browser.open(req?.body ?? Buffer.alloc(0)) as Record<string, string>;
    expect(card).toMatchObject({
      title: 'Still thinking about Chelsea Boots?',
      image: 'https://cdn.shop.example/boots.jpg',
      cartId,
      touchId: t.touchId,
    });
    const token = /^https:\/\/api\.shop\.example\/r\/(.+)$/.exec(card['url'] ?? '')?.[1] ?? '';
    expect(readResumeToken(openResumeToken(token, SECRET), new Date())).toMatchObject({
      storeId: STORE,
      cartId,
      touchId: t.touchId,
      channel: 'push',
    });

    await publisher.publish(Contracts.touchPush, [t]);
    const both = await waitForDelivery(t.touchId, 2);
    expect(new Set(both.map((d) => d.deliveryId)).size).toBe(1);
    expect(services.requestsTo(path)).toHaveLength(1);
  });

  it('never reaches the push service for a cart whose push consent was withdrawn', async () => {
    const { cartId, path } = await subscribeBrowser();
    services.on(path, () => ({ status: 201 }));
    await publisher.publish(Contracts.suppression, [
      {
        scope: SuppressionScopes.consent('push', STORE, { kind: 'cart', value: cartId }),
        storeId: STORE,
        cartId,
        reason: 'consent_withdrawn',
        sourceEventId: `consent-${cartId}`,
        suppressedAt: new Date().toISOString(),
      },
    ]);
    const t = touch(cartId);
    await publisher.publish(Contracts.touchPush, [t]);
    const [d] = await waitForDelivery(t.touchId);
    expect(d).toMatchObject({ status: 'skipped', reason: 'suppressed:consent_withdrawn' });
    expect(services.requestsTo(path)).toHaveLength(0);
  });

  it('deletes a subscription the push service says is gone (410), reports failed, and keeps it gone', async () => {
    const { cartId, path, browser } = await subscribeBrowser();
    services.on(path, () => ({ status: 410 }));
    const t = touch(cartId);
    await publisher.publish(Contracts.touchPush, [t]);
    const [d] = await waitForDelivery(t.touchId);
    expect(d).toMatchObject({ status: 'failed', reason: 'subscription_gone:410' });
    expect(services.requestsTo(path)).toHaveLength(1);
    expect(await subscription(cartId)).toEqual([]);

    // A replayed push.subscribed with the dead endpoint does not bring it back; the next touch has no address.
    await publisher.publish(Contracts.storefrontEvent, [subscribed(cartId, { webPush: browser.toEvent() })]);
    const next = touch(cartId);
    await publisher.publish(Contracts.touchPush, [next]);
    const [n] = await waitForDelivery(next.touchId);
    expect(n).toMatchObject({ status: 'skipped', reason: 'no_push_subscription' });
    expect(services.requestsTo(path)).toHaveLength(1);
  });

  it('retries a push service answering 503 and sends the card once it takes it', async () => {
    const { cartId, path } = await subscribeBrowser();
    let calls = 0;
    services.on(path, () => (++calls === 1 ? { status: 503 } : { status: 201 }));
    const t = touch(cartId);
    await publisher.publish(Contracts.touchPush, [t]);
    const [d] = await waitForDelivery(t.touchId);
    expect(d).toMatchObject({ status: 'sent' });
    expect(services.requestsTo(path)).toHaveLength(2);
  });

  it('waits as long as the push service says (Retry-After) before trying again', async () => {
    const { cartId, path } = await subscribeBrowser();
    const calls: number[] = [];
    services.on(path, () => {
      calls.push(Date.now());
      return calls.length === 1 ? { status: 429, headers: { 'Retry-After': '2' } } : { status: 201 };
    });
    const t = touch(cartId);
    await publisher.publish(Contracts.touchPush, [t]);
    expect((await waitForDelivery(t.touchId))[0]).toMatchObject({ status: 'sent' });
    expect(calls).toHaveLength(2);
    // Without Retry-After the first retry comes after 200 ms.
    expect((calls[1] ?? 0) - (calls[0] ?? 0)).toBeGreaterThanOrEqual(1_900);
  });

  it('reports unknown and never sends a card whose touch was found in sending (its fate after a crash is unknown)', async () => {
    const { cartId, path } = await subscribeBrowser();
    const t = touch(cartId);
    await sql(
      `INSERT INTO push.send_ledger (touch_id, abandonment_id, store_id, cart_id, sequence, status, attempts)
       VALUES ($1, $2, $3, $4, 1, 'sending', 1)`,
      [t.touchId, t.abandonmentId, t.storeId, t.cartId],
    );
    await publisher.publish(Contracts.touchPush, [t]);
    expect((await waitForDelivery(t.touchId))[0]).toMatchObject({
      status: 'unknown',
      reason: 'interrupted_while_sending',
    });
    await publisher.publish(Contracts.touchPush, [t]);
    await waitForDelivery(t.touchId, 2);
    expect(services.requestsTo(path)).toHaveLength(0);
  });

  it('records a card written without an answer as unknown and never sends it again', async () => {
    const { cartId, path } = await subscribeBrowser();
    services.on(path, () => 'hang');
    const t = touch(cartId);
    await publisher.publish(Contracts.touchPush, [t]);
    const [d] = await waitForDelivery(t.touchId);
    expect(d).toMatchObject({ status: 'unknown', reason: 'push_no_answer:timeout' });
    services.on(path, () => ({ status: 201 }));
    await publisher.publish(Contracts.touchPush, [t]);
    await waitForDelivery(t.touchId, 2);
    expect(services.requestsTo(path)).toHaveLength(1);
  });

  it('sends an FCM card once after the token exchange, and deletes an UNREGISTERED token', async () => {
    const cartId = `cart-${newId().slice(0, 8)}`;
    const fcmToken = `live-${newId()}`;
    await publisher.publish(Contracts.storefrontEvent, [subscribed(cartId, { fcmToken })]);
    await pollUntil(async () => (await subscription(cartId)).length === 1, { description: 'token stored' });
    const t = touch(cartId);
    await publisher.publish(Contracts.touchPush, [t]);
    const [d] = await waitForDelivery(t.touchId);
    expect(d).toMatchObject({
      status: 'sent',
      providerMessageId: expect.stringMatching(/^projects\/reclaim-test\/messages\//),
    });
    expect(services.requestsTo('/token').length).toBeGreaterThanOrEqual(1);
    const sends = () =>
      services
        .requestsTo(SEND_PATH)
        .map((r) => (JSON.parse(r.body.toString('utf8')) as { message: Record<string, unknown> }).message);
    const [message, ...others] = sends().filter((m) => m['token'] === fcmToken);
    expect(others).toHaveLength(0);
    expect(message).toMatchObject({
      notification: { title: 'Still thinking about Chelsea Boots?', image: 'https://cdn.shop.example/boots.jpg' },
      data: { cartId, touchId: t.touchId, url: expect.stringMatching(/^https:\/\/api\.shop\.example\/r\//) },
      android: { ttl: '14400s', collapse_key: pushTopic(STORE, cartId) },
    });
    await publisher.publish(Contracts.touchPush, [t]);
    await waitForDelivery(t.touchId, 2);
    expect(sends().filter((m) => m['token'] === fcmToken)).toHaveLength(1);

    const deadCart = `cart-${newId().slice(0, 8)}`;
    await publisher.publish(Contracts.storefrontEvent, [subscribed(deadCart, { fcmToken: `dead-${newId()}` })]);
    await pollUntil(async () => (await subscription(deadCart)).length === 1, { description: 'dead token stored' });
    const dead = touch(deadCart);
    await publisher.publish(Contracts.touchPush, [dead]);
    const [f] = await waitForDelivery(dead.touchId);
    expect(f).toMatchObject({ status: 'failed', reason: 'fcm_token_unregistered:404' });
    expect(await subscription(deadCart)).toEqual([]);
  });

  it('skips a cart without any push address', async () => {
    const t = touch(`cart-${newId().slice(0, 8)}`);
    await publisher.publish(Contracts.touchPush, [t]);
    const [d] = await waitForDelivery(t.touchId);
    expect(d).toMatchObject({ status: 'skipped', reason: 'no_push_subscription' });
  });

  it('dead-letters a push.subscribed it cannot use and goes on', async () => {
    const dlq = await collectTopics(kafka, [topicFor(settings, deadLetterTopicSpec('push').name)]);
    try {
      const cartId = `cart-${newId().slice(0, 8)}`;
      // Keys no browser gives (the contract only says they are strings): never encryptable for.
      const browser = new BrowserSubscription('https://push.example/push/1').toEvent();
      const broken = { ...browser, keys: { ...browser.keys, p256dh: 'not-a-p256-key' } };
      await publisher.publish(Contracts.storefrontEvent, [subscribed(cartId, { webPush: broken })]);
      await publisher.publish(Contracts.storefrontEvent, [subscribed(cartId, { fcmToken: `live-${newId()}` })]);
      await pollUntil(async () => (await subscription(cartId)).length === 1, { description: 'the later token stored' });
      const dead = await pollUntil(() => dlq.records.find((r) => r.key === cartKey(STORE, cartId)), {
        description: 'the dead-lettered event',
      });
      expect(dead.headers['x-reclaim-dlq-group']).toBe(`${prefix}${PushSubscriptionsConsumer.groupId}`);
      expect(dead.headers['x-reclaim-dlq-reason']).toMatch(/p256dh must be a base64url P-256 public key/);
    } finally {
      await dlq.stop();
    }
  });
});
