import { randomUUID } from 'node:crypto';
import { Topics } from '@reclaim/contracts';
import { provisionTopics } from '@reclaim/kafka';
import {
  SmtpCapture,
  collectTopics,
  createTestDatabase,
  pollUntil,
  postEvents,
  reservePorts,
  startServices,
  testKafka,
  uniquePrefix,
  type TestDatabase,
} from '@reclaim/testing';

/**
 * Proof of value through all seven services as processes: a shopper abandons checkout, gets email
 * 1 on a real SMTP socket, clicks its resume link, and orders. The cart's timeline explains each
 * step with its reason, the recovery is credited to the clicked email (on reclaim.recoveries.v1 and
 * in the reports API), and the dashboard shows it. RECOVERY_TIME_SCALE=0.0003: email 1 at 1 h = 1.1 s.
 */
const SCALE = 0.0003;
const KEY = 'pov-store-key-0001';
const REPORTS_KEY = 'pov-store-reports-0001';
const SERVICES = ['ingestion', 'segmentation', 'scheduler', 'email', 'sms', 'push', 'attribution'] as const;
/** Ingestion takes a click within this long of the email being built for a mail scanner's (its default). */
const PREFETCH_WINDOW_MS = 5_000;

jest.setTimeout(240_000);

interface TimelineEntry {
  at: string;
  kind: string;
  text: string;
}

describe('proof of value: abandon → email → click → order → recovery credited, explained, reported', () => {
  const smtp = new SmtpCapture();
  let system: Awaited<ReturnType<typeof startServices>> | undefined;
  let db: TestDatabase;
  let observed: Awaited<ReturnType<typeof collectTopics>>;
  let ingestion: string;
  let attribution: string;

  beforeAll(async () => {
    const prefix = uniquePrefix('pov');
    const { kafka } = testKafka(prefix);
    await provisionTopics(kafka, prefix);
    db = await createTestDatabase('pov');
    await smtp.start();
    observed = await collectTopics(kafka, [prefix + Topics.recoveries.name]);
    const ports = await reservePorts(SERVICES);
    ingestion = `http://127.0.0.1:${ports.ingestion}`;
    attribution = `http://127.0.0.1:${ports.attribution}`;
    system = await startServices(ports, {
      KAFKA_BROKERS: process.env['KAFKA_BROKERS'] ?? '',
      KAFKA_TOPIC_PREFIX: prefix,
      DATABASE_URL: db.url,
      SMTP_URL: smtp.url,
      INGESTION_API_KEYS: `pov-store:${KEY}`,
      REPORTS_API_KEYS: `pov-store:${REPORTS_KEY}`,
      RECOVERY_TIME_SCALE: String(SCALE),
      RECOVERY_HOLDOUT_PERCENT: '0',
      RESUME_LINK_SECRET: 'pov-resume-secret',
      PUBLIC_BASE_URL: ingestion,
      EMAIL_PUBLIC_URL: `http://127.0.0.1:${ports.email}`,
      LOG_LEVEL: 'info',
      INGESTION_INSTANCE_ID: `pov-${randomUUID().slice(0, 8)}`,
    });
  });

  afterAll(async () => {
    await system?.stopAll();
    await observed?.stop();
    await smtp.stop();
    await db?.drop();
  });

  it('credits the recovery to the clicked email, explains every step and shows it on the dashboard', async () => {
    const cartId = `cart-pov-${randomUUID().slice(0, 6)}`;
    const email = `pov-${randomUUID().slice(0, 6)}@example.com`;
    const customer = { id: `cust-${cartId}`, email, firstName: 'Ada', ordersCount: 0, timezone: 'Europe/Paris' };
    const cart = {
      currency: 'EUR',
      items: [{ sku: 'LS-1', productId: 'p-ls', title: 'Linen Shirt', quantity: 1, unitPrice: 4900 }],
    };
    const now = () => new Date().toISOString();
    const abandon = await postEvents(ingestion, KEY, [
      { id: `${cartId}-1`, type: 'cart.updated', occurredAt: now(), cartId, customer, cart, device: 'mobile' },
      {
        id: `${cartId}-2`,
        type: 'checkout.started',
        occurredAt: now(),
        cartId,
        customer,
        cart,
        checkout: { step: 'contact' },
      },
    ]);
    expect(abandon.status).toBe(202);

    const [mail] = await pollUntil(() => (smtp.to(email).length > 0 ? smtp.to(email) : undefined), {
      timeoutMs: 60_000,
      description: 'email 1',
    });
    const link = /(http:\/\/127\.0\.0\.1:\d+\/r\/[A-Za-z0-9_.-]+)/.exec(mail?.mail.text ?? '')?.[1] ?? '';
    expect(link).not.toBe('');
    // A shopper, not a mail scanner: the click comes after the prefetch window of the email's build.
    const clickAfter = (mail?.receivedAt.getTime() ?? 0) + PREFETCH_WINDOW_MS + 500;
    await new Promise((r) => setTimeout(r, Math.max(0, clickAfter - Date.now())));
    const click = await fetch(link, { redirect: 'manual', headers: { 'user-agent': 'Mozilla/5.0 (iPhone)' } });
    expect(click.status).toBe(302);

    const order = await postEvents(ingestion, KEY, [
      {
        id: `${cartId}-order`,
        type: 'order.completed',
        occurredAt: now(),
        cartId,
        customer,
        order: { id: `o-${cartId}`, total: 4900, currency: 'EUR' },
      },
    ]);
    expect(order.status).toBe(202);

    // The recovery, once, credited to the clicked email.
    const recovery = await pollUntil(() => observed.records.find((r) => r.key?.endsWith(cartId))?.value, {
      timeoutMs: 60_000,
      description: 'the recovery on reclaim.recoveries.v1',
    });
    expect(recovery).toMatchObject({
      cartId,
      orderId: `o-${cartId}`,
      revenue: 4900,
      currency: 'EUR',
      holdout: false,
      credit: 'clicked',
      attributedChannel: 'email',
      attributedSequence: 1,
    });

    // The timeline: each step with its reason in words, in time order.
    const auth = { headers: { authorization: `Bearer ${REPORTS_KEY}` } };
    const timeline = await pollUntil(
      async () => {
        const res = await fetch(`${attribution}/v1/carts/${cartId}/timeline`, auth);
        if (res.status !== 200) return undefined;
        const body = (await res.json()) as { entries: TimelineEntry[] };
        return body.entries.some((e) => e.kind === 'recovery') ? body.entries : undefined;
      },
      { timeoutMs: 30_000, description: 'the recovery on the timeline' },
    );
    const texts = timeline.map((e) => e.text);
    const indexOf = (pattern: RegExp) => texts.findIndex((t) => pattern.test(t));
    const steps = [
      // Business time: 15 min of idling plus up to a sweep interval (1 s real = 55 min at this scale).
      /^abandoned: checkout idle (\d+ min|\d+ h|\d+ h \d+ min)$/,
      /^segment .+; plan: email 1 at \+1h.*; held out: no/,
      /^email 1 sent$/,
      /^email 1 clicked$/,
      new RegExp(`^order o-${cartId} acknowledged .+: €49\\.00$`),
      /^recovered: €49\.00, credited to email 1 \(clicked\)$/,
    ];
    const at = steps.map(indexOf);
    expect(at.every((i) => i >= 0) ? at : texts).toEqual([...at].sort((a, b) => a - b));
    expect(texts).toEqual(
      expect.arrayContaining([expect.stringMatching(/^email 2 cancelled: order o-.+ acknowledged/)]),
    );
    const times = timeline.map((e) => Date.parse(e.at));
    expect(times).toEqual([...times].sort((a, b) => a - b));

    // The reports API and the dashboard agree.
    const report = (await (await fetch(`${attribution}/v1/reports/recovery`, auth)).json()) as {
      recovered: number;
      byChannel: Array<{ channel: string; recovered: number; clicked: number }>;
      revenue: Record<string, { recovered: number }>;
    };
    expect(report.recovered).toBe(1);
    expect(report.byChannel.find((c) => c.channel === 'email')).toMatchObject({ recovered: 1, clicked: 1 });
    expect(report.revenue['EUR']?.recovered).toBe(4900);

    const signIn = await fetch(`${attribution}/signin`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: attribution },
      body: new URLSearchParams({ key: REPORTS_KEY }).toString(),
    });
    expect(signIn.status).toBe(303);
    const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const page = await (await fetch(`${attribution}/`, { headers: { cookie } })).text();
    expect(page).toContain('€49.00');
    expect(page).toMatch(/Recovered[\s\S]{0,400}\b1\b/);

    // The read-only reports key cannot post events.
    const withReportsKey = await fetch(`${ingestion}/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${REPORTS_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ events: [{ id: 'x-1', type: 'cart.viewed', occurredAt: now(), cartId }] }),
    });
    expect(withReportsKey.status).toBe(401);
  });
});
