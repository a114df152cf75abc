import { randomUUID } from 'node:crypto';
import { Contracts, Topics, deadLetterTopicSpec } from '@reclaim/contracts';
import { provisionTopics } from '@reclaim/kafka';
import {
  SmtpCapture,
  collectTopics,
  createTestDatabase,
  pollUntil,
  reservePorts,
  startServices,
  testKafka,
  uniquePrefix,
  type TestDatabase,
  postEvents,
} from '@reclaim/testing';

/**
 * The whole system as processes: HTTP in, real Kafka and Postgres between, a real SMTP socket out.
 * RECOVERY_TIME_SCALE=0.0003: checkout idle 15 min = 0.27 s, email 1 at 1 h = 1.1 s,
 * email 2 at 24 h = 26 s, email 3 at 48 h = 52 s.
 */
const SCALE = 0.0003;
const KEY = 'e2e-store-key-0001';
const SERVICES = ['ingestion', 'segmentation', 'scheduler', 'email', 'sms', 'push', 'attribution'] as const;

jest.setTimeout(240_000);

describe('walking skeleton: shopper event → abandonment → timed email → suppression', () => {
  const smtp = new SmtpCapture();
  let system: Awaited<ReturnType<typeof startServices>> | undefined;
  let db: TestDatabase;
  let kafka: ReturnType<typeof testKafka>['kafka'];
  let prefix: string;
  let ingestion: string;
  let observed: Awaited<ReturnType<typeof collectTopics>>;

  beforeAll(async () => {
    prefix = uniquePrefix('e2e');
    ({ kafka } = testKafka(prefix));
    await provisionTopics(kafka, prefix);
    db = await createTestDatabase('e2e');
    await smtp.start();
    observed = await collectTopics(kafka, [
      prefix + Topics.storefrontEvents.name,
      prefix + Topics.deliveries.name,
      prefix + Topics.abandonments.name,
      prefix + deadLetterTopicSpec('segmentation').name,
    ]);
    const ports = await reservePorts(SERVICES);
    ingestion = `http://127.0.0.1:${ports.ingestion}`;
    const env = {
      KAFKA_BROKERS: process.env['KAFKA_BROKERS'] ?? '',
      KAFKA_TOPIC_PREFIX: prefix,
      DATABASE_URL: db.url,
      SMTP_URL: smtp.url,
      INGESTION_API_KEYS: `e2e-store:${KEY}`,
      RECOVERY_TIME_SCALE: String(SCALE),
      RECOVERY_HOLDOUT_PERCENT: '0',
      RESUME_LINK_SECRET: 'e2e-resume-secret',
      PUBLIC_BASE_URL: ingestion,
      EMAIL_PUBLIC_URL: `http://127.0.0.1:${ports.email}`,
      LOG_LEVEL: 'info',
      INGESTION_INSTANCE_ID: `e2e-${randomUUID().slice(0, 8)}`,
    };
    system = await startServices(ports, env);
  });

  afterAll(async () => {
    await system?.stopAll();
    await observed?.stop();
    await smtp.stop();
    await db?.drop();
  });

  const post = async (events: unknown[]) => {
    const { status, body } = await postEvents(ingestion, KEY, events);
    return { status, body: body as Record<string, unknown> };
  };

  const shopper = (name: string) => {
    const cartId = `cart-${name}-${randomUUID().slice(0, 6)}`;
    const email = `${name}-${randomUUID().slice(0, 6)}@example.com`;
    const at = () => new Date().toISOString();
    const customer = { id: `cust-${cartId}`, email, firstName: 'Ada', ordersCount: 0, timezone: 'Europe/Paris' };
    const cart = {
      currency: 'EUR',
      items: [
        {
          sku: 'LS-1',
          productId: 'p-ls',
          title: 'Linen Shirt',
          quantity: 1,
          unitPrice: 4900,
          url: 'https://shop.example/p/ls',
        },
      ],
    };
    return {
      cartId,
      email,
      checkoutAbandon: () => [
        { id: `${cartId}-1`, type: 'cart.updated', occurredAt: at(), cartId, customer, cart, device: 'mobile' },
        {
          id: `${cartId}-2`,
          type: 'checkout.started',
          occurredAt: at(),
          cartId,
          customer,
          cart,
          checkout: { step: 'contact' },
        },
      ],
      order: () => [
        {
          id: `${cartId}-order`,
          type: 'order.completed',
          occurredAt: at(),
          cartId,
          customer,
          order: { id: `o-${cartId}`, total: 4900, currency: 'EUR' },
        },
      ],
    };
  };

  const deliveriesFor = (cartId: string) =>
    observed.records
      .filter((r) => r.topic.endsWith(Topics.deliveries.name))
      .map((r) => r.value as { touchId: string; cartId: string; status: string; sequence?: number; reason?: string })
      .filter((d) => d.cartId === cartId);

  const abandonmentOf = (cartId: string) =>
    observed.records
      .filter(
        (r) => r.topic.endsWith(Topics.abandonments.name) && r.headers['ce_type'] === Contracts.abandonment.ceType,
      )
      .map((r) => r.value as { cartId: string; stage: string; holdout: boolean; plan: Array<{ touchId: string }> })
      .find((a) => a.cartId === cartId);

  /**
   * Every touch the cart's plan holds has its final word on reclaim.deliveries.v1 (sent,
   * cancelled, skipped, failed): nothing for this cart can be mailed after this point.
   */
  const settled = (cartId: string) => {
    const plan = abandonmentOf(cartId)?.plan;
    if (!plan) return undefined;
    const deliveries = deliveriesFor(cartId);
    const final = plan.map((t) => deliveries.find((d) => d.touchId === t.touchId && d.status !== 'clicked'));
    return final.every((d) => d !== undefined) ? final : undefined;
  };

  it('sends a checkout abandoner the first email, naming the product, on a real SMTP socket', async () => {
    const ada = shopper('abandoner');
    expect(await post(ada.checkoutAbandon())).toEqual({ status: 202, body: { accepted: 2, duplicates: 0 } });

    const [mail] = await pollUntil(() => (smtp.to(ada.email).length > 0 ? smtp.to(ada.email) : undefined), {
      timeoutMs: 60_000,
      description: `first email to ${ada.email}`,
    });
    expect(mail?.mail.subject).toBe('Your Linen Shirt is still here');
    // mailparser folds the List-* headers into one "list" entry.
    expect(mail?.mail.headers.get('list')).toMatchObject({
      unsubscribe: { url: expect.stringContaining('/unsubscribe/') },
      'unsubscribe-post': { name: 'List-Unsubscribe=One-Click' },
    });
    const link = /(http:\/\/127\.0\.0\.1:\d+\/r\/[A-Za-z0-9_.-]+)/.exec(mail?.mail.text ?? '')?.[1];
    expect(link).toBeDefined();
    const click = await fetch(link ?? '', { redirect: 'manual' });
    expect(click.status).toBe(302);

    await pollUntil(() => deliveriesFor(ada.cartId).some((d) => d.status === 'sent'), { description: 'sent delivery' });
    expect(abandonmentOf(ada.cartId)).toMatchObject({ stage: 'checkout', holdout: false });
  });

  it('sends nothing to a cart whose order completes after abandonment, before its first touch', async () => {
    const bo = shopper('buyer');
    expect((await post(bo.checkoutAbandon())).status).toBe(202);
    // Abandoned, touches scheduled (email 1 is due 1 h scaled later): now the shopper buys.
    await pollUntil(() => abandonmentOf(bo.cartId), { timeoutMs: 30_000, description: 'abandonment' });
    expect((await post(bo.order())).status).toBe(202);

    const final = await pollUntil(() => settled(bo.cartId), { timeoutMs: 60_000, description: 'every touch settled' });
    expect(final.map((d) => d?.status)).not.toContain('sent');
    expect(final.every((d) => /order_completed/.test(d?.reason ?? ''))).toBe(true);
    expect(smtp.to(bo.email)).toHaveLength(0);
  });

  it('sends nothing more to a cart whose order completes after its first email', async () => {
    const cy = shopper('late-buyer');
    expect((await post(cy.checkoutAbandon())).status).toBe(202);
    await pollUntil(() => smtp.to(cy.email).length === 1, { timeoutMs: 60_000, description: 'first email' });
    expect((await post(cy.order())).status).toBe(202);

    // Email 1 was sent; every later touch ends cancelled or skipped because of the order ...
    const [first, ...rest] = await pollUntil(() => settled(cy.cartId), {
      timeoutMs: 60_000,
      description: 'every touch settled',
    });
    expect(first?.status).toBe('sent');
    expect(rest.length).toBeGreaterThanOrEqual(2);
    expect(
      rest.every(
        (d) => (d?.status === 'cancelled' || d?.status === 'skipped') && /order_completed/.test(d.reason ?? ''),
      ),
    ).toBe(true);
    // ... so the shopper has exactly the one email.
    expect(smtp.to(cy.email)).toHaveLength(1);
  });

  it('rejects an invalid batch with details, and nothing from it is ever mailed', async () => {
    const dee = shopper('invalid');
    const [good, second] = dee.checkoutAbandon();
    const res = await post([good, { ...second, occurredAt: 'not a time' }]);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'validation_failed', details: [{ index: 1, path: 'occurredAt' }] });
    // A shopper sent afterwards goes all the way to email 1; the rejected batch never reached Kafka.
    const control = shopper('after-invalid');
    expect((await post(control.checkoutAbandon())).status).toBe(202);
    await pollUntil(() => smtp.to(control.email).length === 1, { timeoutMs: 60_000, description: 'control email' });
    const reachedKafka = observed.records.filter(
      (r) => r.topic.endsWith(Topics.storefrontEvents.name) && (r.value as { cartId?: string }).cartId === dee.cartId,
    );
    expect(reachedKafka).toHaveLength(0);
    expect(abandonmentOf(dee.cartId)).toBeUndefined();
    expect(smtp.to(dee.email)).toHaveLength(0);
  });

  it('retries a touch the SMTP server turns away for now, and delivers it exactly once', async () => {
    const gus = shopper('deferred');
    smtp.deferRecipient(gus.email, 2);
    expect((await post(gus.checkoutAbandon())).status).toBe(202);
    await pollUntil(() => smtp.to(gus.email).length === 1, { timeoutMs: 60_000, description: 'email after two 451s' });
    expect(smtp.deferred.filter((d) => d.address === gus.email)).toHaveLength(2);
    const sent = await pollUntil(
      () => {
        const s = deliveriesFor(gus.cartId).filter((d) => d.status === 'sent');
        return s.length > 0 ? s : undefined;
      },
      { description: 'sent delivery' },
    );
    expect(sent).toHaveLength(1);
    expect(
      deliveriesFor(gus.cartId)
        .filter((d) => d.sequence === 1)
        .map((d) => d.status),
    ).toEqual(['sent']);
    expect(smtp.to(gus.email)).toHaveLength(1);
  });

  it('counts a repeated id as a duplicate and mails the shopper once', async () => {
    const eve = shopper('repeat');
    const events = eve.checkoutAbandon();
    expect(await post(events)).toEqual({ status: 202, body: { accepted: 2, duplicates: 0 } });
    expect(await post(events)).toEqual({ status: 202, body: { accepted: 0, duplicates: 2 } });
    await pollUntil(() => smtp.to(eve.email).length === 1, { timeoutMs: 60_000, description: 'one email' });
    await pollUntil(() => deliveriesFor(eve.cartId).some((d) => d.status === 'sent'));
    expect(smtp.to(eve.email)).toHaveLength(1);
  });

  it('dead-letters an unreadable record with the reason and keeps consuming', async () => {
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic: prefix + Topics.storefrontEvents.name,
      messages: [
        {
          key: 'e2e-store:garbage',
          value: '{not json',
          headers: {
            ce_specversion: '1.0',
            ce_id: 'x',
            ce_source: '/test',
            ce_type: 'reclaim.storefront-event',
            ce_time: new Date().toISOString(),
          },
        },
      ],
    });
    await producer.disconnect();
    const deadLetters = prefix + deadLetterTopicSpec('segmentation').name;
    const dead = await pollUntil(
      () => observed.records.find((r) => r.topic === deadLetters && r.key === 'e2e-store:garbage'),
      {
        timeoutMs: 30_000,
        description: 'dead letter',
      },
    );
    expect(dead.headers['x-reclaim-dlq-reason']).toMatch(/not JSON/);

    // The consumer moved on: a new abandoner still gets mail.
    const fay = shopper('after-garbage');
    expect((await post(fay.checkoutAbandon())).status).toBe(202);
    await pollUntil(() => smtp.to(fay.email).length === 1, {
      timeoutMs: 60_000,
      description: 'email after the dead letter',
    });
  });
});
