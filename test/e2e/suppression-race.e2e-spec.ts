import { randomUUID } from 'node:crypto';
import { Contracts, Topics, type TouchDue } from '@reclaim/contracts';
import { EventPublisher, provisionTopics } from '@reclaim/kafka';
import {
  SmtpCapture,
  collectTopics,
  createTestDatabase,
  freePort,
  pollUntil,
  startServiceProcess,
  testKafka,
  uniquePrefix,
  type RunningService,
  type TestDatabase,
} from '@reclaim/testing';

/**
 * The suppression guarantee, measured on the real stack: ingestion and email run as processes;
 * several hundred carts each get a due email touch and an order at randomised moments close to
 * each other. The SMTP server records when each message's hand-off began (MAIL FROM). After
 * POST /v1/events has answered 202 for a cart's order, no hand-off for that cart may begin, and
 * no touch may ever be sent twice.
 */
const CARTS = 300;
const SPREAD_MS = 20_000; // carts start over this window
// Each cart's order follows its touch by a lead drawn from this range: short leads lose to the
// order, long ones beat it, and somewhere in between (wherever the machine's latency puts it) they race.
const LEAD_MS = { min: -500, max: 3_000 };
const KEY = 'race-store-key-0001';

jest.setTimeout(240_000);

describe('suppression guarantee under races', () => {
  const smtp = new SmtpCapture();
  const running: RunningService[] = [];
  let db: TestDatabase;
  let prefix: string;
  let ingestion: string;
  let publisher: EventPublisher;
  let observed: Awaited<ReturnType<typeof collectTopics>>;

  beforeAll(async () => {
    prefix = uniquePrefix('race');
    const { kafka, settings } = testKafka(prefix, 'race-test');
    await provisionTopics(kafka, prefix);
    db = await createTestDatabase('race');
    await smtp.start();
    observed = await collectTopics(kafka, [prefix + Topics.deliveries.name]);
    publisher = new EventPublisher(kafka, settings, { source: '/test/scheduler' });
    await publisher.connect();
    const [ingestionPort, emailPort] = await Promise.all([freePort(), freePort()]);
    ingestion = `http://127.0.0.1:${ingestionPort}`;
    const env = {
      KAFKA_BROKERS: process.env['KAFKA_BROKERS'] ?? '',
      KAFKA_TOPIC_PREFIX: prefix,
      DATABASE_URL: db.url,
      SMTP_URL: smtp.url,
      INGESTION_API_KEYS: `race-store:${KEY}`,
      INGESTION_RATE_LIMIT: '100000',
      INGESTION_INSTANCE_ID: `race-${randomUUID().slice(0, 8)}`,
      RESUME_LINK_SECRET: 'race-resume-secret',
      LOG_LEVEL: 'warn',
    };
    running.push(
      ...(await Promise.all([
        startServiceProcess('ingestion', ingestionPort, env),
        startServiceProcess('email', emailPort, env),
      ])),
    );
  });

  afterAll(async () => {
    await Promise.all(running.map((s) => s.stop()));
    await publisher?.disconnect();
    await observed?.stop();
    await smtp.stop();
    await db?.drop();
  });

  it('never hands a recovery email to SMTP after the order was acknowledged, and never sends a touch twice', async () => {
    const runId = randomUUID().slice(0, 6);
    // Warm up: the email service has joined its group and sends once before the race starts.
    const warmUp = `warm-${runId}@example.com`;
    await publisher.publish(Contracts.touchEmail, [
      {
        touchId: `touch-warm-${runId}`,
        abandonmentId: `ab-warm-${runId}`,
        storeId: 'race-store',
        cartId: `warm-${runId}`,
        channel: 'email',
        sequence: 1,
        template: 'reminder',
        incentive: 'none',
        segment: 'checkout-abandoner',
        customer: { email: warmUp },
        cart: { currency: 'EUR', value: 100, items: [{ sku: 'W', title: 'Warm-up', quantity: 1, unitPrice: 100 }] },
        dueAt: new Date().toISOString(),
      },
    ]);
    await pollUntil(() => smtp.to(warmUp).length === 1, { timeoutMs: 60_000, description: 'warm-up email' });
    const start = Date.now() + 500;
    const carts = Array.from({ length: CARTS }, (_, i) => {
      const base = start + (i / CARTS) * SPREAD_MS;
      const lead = LEAD_MS.min + Math.random() * (LEAD_MS.max - LEAD_MS.min);
      return {
        cartId: `race-${runId}-${i}`,
        email: `race-${runId}-${i}@example.com`,
        touchAt: base,
        orderAt: base + lead,
        orderAckedAt: undefined as number | undefined,
      };
    });
    const at = (t: number) => new Promise((r) => setTimeout(r, Math.max(0, t - Date.now())));

    const touchFor = (c: (typeof carts)[number]): TouchDue => ({
      touchId: `touch-${c.cartId}`,
      abandonmentId: `ab-${c.cartId}`,
      storeId: 'race-store',
      cartId: c.cartId,
      channel: 'email',
      sequence: 1,
      template: 'reminder',
      incentive: 'none',
      segment: 'checkout-abandoner',
      customer: { id: `cust-${c.cartId}`, email: c.email, firstName: 'Ada' },
      cart: { currency: 'EUR', value: 4900, items: [{ sku: 'LS-1', title: 'Linen Shirt', quantity: 1, unitPrice: 4900 }] },
      abandonedAt: new Date(Date.now() - 3_600_000).toISOString(),
      dueAt: new Date().toISOString(),
    });

    await Promise.all(
      carts.flatMap((c) => [
        at(c.touchAt).then(() => publisher.publish(Contracts.touchEmail, [touchFor(c)])),
        at(c.orderAt).then(async () => {
          const res = await fetch(`${ingestion}/v1/events`, {
            method: 'POST',
            headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
            body: JSON.stringify({
              events: [
                {
                  id: `order-${c.cartId}`,
                  type: 'order.completed',
                  occurredAt: new Date().toISOString(),
                  cartId: c.cartId,
                  customer: { id: `cust-${c.cartId}` },
                  order: { id: `o-${c.cartId}`, total: 4900, currency: 'EUR' },
                },
              ],
            }),
          });
          expect(res.status).toBe(202);
          c.orderAckedAt = Date.now();
        }),
      ]),
    );

    // Every touch ends in exactly one outcome on the deliveries topic.
    const outcomes = await pollUntil(
      () => {
        const byTouch = new Map<string, string>();
        for (const r of observed.records) {
          const d = r.value as { touchId: string; status: string; reason?: string };
          byTouch.set(d.touchId, d.reason ? `${d.status}:${d.reason}` : d.status);
        }
        return carts.every((c) => byTouch.has(`touch-${c.cartId}`)) ? byTouch : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 500, description: 'an outcome for every touch' },
    );

    const late: string[] = [];
    const twice: string[] = [];
    for (const c of carts) {
      const mails = smtp.to(c.email);
      if (mails.length > 1) twice.push(c.cartId);
      for (const m of mails) {
        if (c.orderAckedAt !== undefined && m.handoffAt.getTime() > c.orderAckedAt) {
          late.push(`${c.cartId}: hand-off ${m.handoffAt.getTime() - c.orderAckedAt} ms after the 202`);
        }
      }
    }
    const sent = carts.filter((c) => smtp.to(c.email).length > 0).length;
    const suppressed = [...outcomes.values()].filter((o) => o.startsWith('skipped:suppressed')).length;
    const closest = Math.min(
      ...carts
        .filter((c) => smtp.to(c.email).length > 0 && c.orderAckedAt !== undefined)
        .map((c) => (c.orderAckedAt ?? 0) - (smtp.to(c.email)[0]?.handoffAt.getTime() ?? 0)),
    );
    process.stderr.write(
      `\n[race] ${CARTS} carts: ${sent} emails handed off before their order's 202, ${suppressed} suppressed, ` +
        `${late.length} late hand-offs, ${twice.length} double sends; closest hand-off ${closest} ms before a 202\n`,
    );

    expect(late).toEqual([]);
    expect(twice).toEqual([]);
    // The race was real: both outcomes happened in numbers.
    expect(sent).toBeGreaterThanOrEqual(10);
    expect(suppressed).toBeGreaterThanOrEqual(10);
  });
});
