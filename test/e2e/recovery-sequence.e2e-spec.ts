import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { Topics } from '@reclaim/contracts';
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
 * Recovery intelligence end to end, all seven services as processes, compressed time
 * (RECOVERY_TIME_SCALE=0.0003: email 1 at 1 h = 1.1 s, email 2 at 24 h = 26 s, email 3 at 48 h = 52 s).
 */
const SCALE = 0.0003;
const HOUR_MS = 3_600_000 * SCALE;
const KEY = 'seq-store-key-0001';
const SERVICES = ['ingestion', 'segmentation', 'scheduler', 'email', 'sms', 'push', 'attribution'] as const;

jest.setTimeout(300_000);

/**
 * Email quiet hours that end at a whole UTC minute 75–135 s from now, three hours long, judged on
 * Etc/UTC (a fixed zone: no DST, and a window crossing midnight is handled like any other).
 */
function quietWindowEndingSoon(): { window: string; endsAt: Date } {
  const MINUTE = 60_000;
  const endsAt = new Date(Math.ceil((Date.now() + 75_000) / MINUTE) * MINUTE);
  const hhmm = (d: Date) => d.toISOString().slice(11, 16);
  return { window: `${hhmm(new Date(endsAt.getTime() - 3 * 3_600_000))}-${hhmm(endsAt)}`, endsAt };
}

describe('recovery sequence: plans, incentives, consent and quiet hours', () => {
  const smtp = new SmtpCapture();
  let system: Awaited<ReturnType<typeof startServices>> | undefined;
  let db: TestDatabase;
  let prefix: string;
  let ingestion: string;
  let observed: Awaited<ReturnType<typeof collectTopics>>;
  // Email quiet hours on each shopper's clock: the night shopper (Etc/UTC) is inside them now and
  // they end a minute or two into the test; for everyone else (UTC+8, a fixed zone too) they lie
  // hours away.
  const nightZone = 'Etc/UTC';
  const dayZone = 'Etc/GMT-8';
  let quiet: ReturnType<typeof quietWindowEndingSoon>;

  beforeAll(async () => {
    prefix = uniquePrefix('seq');
    const { kafka } = testKafka(prefix);
    await provisionTopics(kafka, prefix);
    db = await createTestDatabase('seq');
    await smtp.start();
    observed = await collectTopics(kafka, [
      prefix + Topics.deliveries.name,
      prefix + Topics.abandonments.name,
      prefix + Topics.incentives.name,
    ]);
    const ports = await reservePorts(SERVICES);
    quiet = quietWindowEndingSoon();
    ingestion = `http://127.0.0.1:${ports.ingestion}`;
    const env = {
      KAFKA_BROKERS: process.env['KAFKA_BROKERS'] ?? '',
      KAFKA_TOPIC_PREFIX: prefix,
      DATABASE_URL: db.url,
      SMTP_URL: smtp.url,
      INGESTION_API_KEYS: `seq-store:${KEY}`,
      INGESTION_INSTANCE_ID: `seq-${randomUUID().slice(0, 8)}`,
      RECOVERY_TIME_SCALE: String(SCALE),
      RECOVERY_HOLDOUT_PERCENT: '0',
      RESUME_LINK_SECRET: 'seq-resume-secret',
      PUBLIC_BASE_URL: ingestion,
      SCHEDULER_QUIET_HOURS_EMAIL: quiet.window,
      // Quiet hours run on real clocks while the plan runs on compressed time: let deferral wait.
      SCHEDULER_MAX_DEFERRAL: '100000h',
      LOG_LEVEL: 'info',
    };
    system = await startServices(ports, env);
  });

  afterAll(async () => {
    await system?.stopAll();
    await observed?.stop();
    await smtp.stop();
    await db?.drop();
  });

  const shopper = (name: string, customer: Record<string, unknown>, extra: Record<string, unknown> = {}) => {
    const cartId = `cart-${name}-${randomUUID().slice(0, 6)}`;
    const email = `${name}-${randomUUID().slice(0, 6)}@example.com`;
    const fullCustomer = { id: `cust-${cartId}`, email, firstName: 'Ada', ...customer };
    const cart = { currency: 'EUR', items: [{ sku: 'LS-1', title: 'Linen Shirt', quantity: 1, unitPrice: 4900 }] };
    const at = new Date().toISOString();
    return {
      cartId,
      email,
      events: [
        { id: `${cartId}-1`, type: 'cart.updated', occurredAt: at, cartId, customer: fullCustomer, cart, ...extra },
        {
          id: `${cartId}-2`,
          type: 'checkout.started',
          occurredAt: at,
          cartId,
          customer: fullCustomer,
          cart,
          checkout: { step: 'contact' },
        },
      ],
    };
  };

  const post = async (events: unknown[]) => (await postEvents(ingestion, KEY, events)).status;

  const valuesOn = <T>(topic: string, cartId: string) =>
    observed.records
      .filter((r) => r.topic === prefix + topic)
      .map((r) => r.value as T & { cartId: string })
      .filter((v) => v.cartId === cartId);

  it('runs each shopper through the right sequence', async () => {
    const firstTime = shopper('first', { ordersCount: 0, timezone: dayZone });
    const returning = shopper('returning', { ordersCount: 3, timezone: dayZone });
    const noConsent = shopper('noconsent', { ordersCount: 0, timezone: dayZone }, { consent: { email: false } });
    const night = shopper('night', { ordersCount: 0, timezone: nightZone });
    for (const s of [firstTime, returning, noConsent, night]) expect(await post(s.events)).toBe(202);

    // The night shopper's first email is deferred to the end of the quiet window, exactly.
    const pg = new Client({ connectionString: db.url });
    await pg.connect();
    const nightTouches = () =>
      pg
        .query<{ touch_id: string; status: string; deferred_reason: string | null; due_at: Date }>(
          'SELECT touch_id, status, deferred_reason, due_at FROM scheduler.touches WHERE cart_id = $1 ORDER BY sequence',
          [night.cartId],
        )
        .then((r) => r.rows);
    let deferred: Awaited<ReturnType<typeof nightTouches>>[number];
    try {
      deferred = await pollUntil(async () => (await nightTouches()).find((t) => t.deferred_reason !== null), {
        timeoutMs: 30_000,
        description: "the night shopper's deferred touch",
      });
    } finally {
      await pg.end();
    }
    expect(Date.now()).toBeLessThan(quiet.endsAt.getTime()); // still inside the window: nothing may have gone yet
    expect(deferred).toMatchObject({ status: 'scheduled', deferred_reason: expect.stringMatching(/quiet_hours/) });
    expect(deferred.due_at.getTime()).toBe(quiet.endsAt.getTime());

    // A first-time checkout abandoner: three emails at the planned offsets; no discount in the
    // first, a unique code in the third.
    const mails = await pollUntil(() => (smtp.to(firstTime.email).length >= 3 ? smtp.to(firstTime.email) : undefined), {
      timeoutMs: 150_000,
      intervalMs: 500,
      description: 'three emails to the first-time buyer',
    });
    const [abandonment] = valuesOn<{ abandonedAt: string; segment: string }>(
      Topics.abandonments.name,
      firstTime.cartId,
    );
    expect(abandonment?.segment).toMatch(/checkout/);
    const abandonedAt = Date.parse(abandonment?.abandonedAt ?? '');
    const offsets = mails.map((m) => m.handoffAt.getTime() - abandonedAt);
    [1, 24, 48].forEach((hours, i) => {
      expect(offsets[i]).toBeGreaterThanOrEqual(hours * HOUR_MS - 50);
      expect(offsets[i]).toBeLessThan(hours * HOUR_MS + 8_000);
    });
    expect(mails[0]?.mail.subject).toBe('Your Linen Shirt is still here');
    expect(mails[0]?.mail.text).not.toMatch(/with code/);
    expect(mails[1]?.mail.text).not.toMatch(/with code/);
    const code = /with code (RC-[A-Z0-9]{4}-[A-Z0-9]{4})/.exec(mails[2]?.mail.text ?? '')?.[1];
    expect(code).toBeDefined();
    const issued = valuesOn<{ code: string; singleUse: boolean }>(Topics.incentives.name, firstTime.cartId);
    expect(issued.map((i) => i.code)).toEqual([code]);

    // A returning customer gets the reminders and never an incentive.
    const returningMails = await pollUntil(
      () => (smtp.to(returning.email).length >= 3 ? smtp.to(returning.email) : undefined),
      {
        timeoutMs: 30_000,
        description: 'three emails to the returning customer',
      },
    );
    expect(returningMails.some((m) => /with code/.test(m.mail.text ?? ''))).toBe(false);
    expect(valuesOn(Topics.incentives.name, returning.cartId)).toEqual([]);

    // No email consent: nothing sent. The shopper's `consent.email: false` became a withdrawal in the
    // event's own Kafka transaction, so every planned touch is born cancelled with that reason.
    expect(smtp.to(noConsent.email)).toHaveLength(0);
    const stopped = valuesOn<{ status: string; reason?: string }>(Topics.deliveries.name, noConsent.cartId);
    expect(stopped.length).toBeGreaterThan(0);
    expect(stopped.every((d) => d.status === 'cancelled' && d.reason === 'consent_withdrawn')).toBe(true);

    // Deferred, not dropped: the night shopper's email arrives once the window has ended, and nothing came before.
    const nightMail = await pollUntil(
      () => smtp.to(night.email).find((m) => m.mail.headers.get('x-reclaim-touch-id') === deferred.touch_id),
      {
        timeoutMs: Math.max(0, quiet.endsAt.getTime() - Date.now()) + 30_000,
        intervalMs: 500,
        description: "the night shopper's deferred email",
      },
    );
    expect(nightMail.handoffAt.getTime()).toBeGreaterThanOrEqual(quiet.endsAt.getTime());
    for (const m of smtp.to(night.email)) expect(m.handoffAt.getTime()).toBeGreaterThanOrEqual(quiet.endsAt.getTime());
    await pollUntil(
      () =>
        valuesOn<{ touchId: string; status: string }>(Topics.deliveries.name, night.cartId).some(
          (d) => d.touchId === deferred.touch_id && d.status === 'sent',
        ),
      { description: "the night shopper's sent delivery" },
    );
  });
});
