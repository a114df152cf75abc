import { randomUUID } from 'node:crypto';
import { Topics } from '@reclaim/contracts';
import { provisionTopics } from '@reclaim/kafka';
import {
  SmtpCapture,
  collectTopics,
  createTestDatabase,
  freePort,
  pollUntil,
  reservePorts,
  startServiceProcess,
  testKafka,
  uniquePrefix,
  type ConsumedRecord,
  type RunningService,
  type TestDatabase,
  postEvents,
} from '@reclaim/testing';

/**
 * The suppression guarantee, measured on the real path: ingestion → segmentation (detects each
 * abandonment) → scheduler (makes email 1 due, RECOVERY_TIME_SCALE compressed) → email → SMTP.
 * Several hundred carts are abandoned over forty seconds; each cart's order is posted at a random
 * moment around its email 1's due time, so some orders beat the scheduler, some race the email
 * service and some come after the message. Meanwhile redelivery is induced twice: the email
 * service is killed (SIGKILL) mid-run and started again (uncommitted touches come back), and
 * already-delivered touch records are published to the email topic again.
 *
 * The SMTP server records every hand-off (MAIL FROM, with its recipients, finished or not). After
 * POST /v1/events has answered 202 for a cart's order, no hand-off to that cart's shopper may
 * begin, and no touch may ever go out twice (X-Reclaim-Touch-Id).
 */
// Checkout idle 15 min = 0.9 s, email 1 at 1 h = 3.6 s, email 2 at 24 h = 86 s. Email 1 comes late
// enough after the abandonment (which reaches the test a second or more after the sweep on a loaded
// machine) that orders can still be placed well before it is due.
const SCALE = 0.001;
const CARTS = 300;
const SPREAD_MS = 40_000; // carts are abandoned over this window
// Each order is posted at a random moment from 2 s before its cart's email 1 is due to 5 s after
// the moment the email service is currently handing such touches over (due + the recent median lag
// from due to outcome, learnt as the run goes): early ones are cancelled by the scheduler, the
// middle race the email service, late ones follow the message — on a fast machine or a slow one.
const LEAD_MS = { beforeDue: 2_000, afterHandOff: 5_000 };
const KILL_EMAIL_AT = 0.4; // of the spread
const REPUBLISH_SHARE = 0.25;
const KEY = 'race-store-key-0001';

jest.setTimeout(300_000);

interface Cart {
  cartId: string;
  email: string;
  customerId: string;
  startAt: number;
  /** Where in the window [due − beforeDue, due + lag + afterHandOff] its order falls, 0..1. */
  leadShare: number;
  /** The order's offset from email 1's due time, once chosen. */
  lead?: number;
  dueAt?: number;
  emailTouchIds: string[];
  orderAckedAt?: number;
  /** When the test saw email 1 on the email topic, and its first outcome (diagnostics only). */
  touchSeenAt?: number;
  outcomeSeenAt?: number;
}

describe('suppression guarantee under races, on the whole path, with redelivery', () => {
  const smtp = new SmtpCapture();
  const running = new Map<string, RunningService>();
  let db: TestDatabase;
  let prefix: string;
  let kafka: ReturnType<typeof testKafka>['kafka'];
  let ingestion: string;
  let env: Record<string, string>;
  let observed: Awaited<ReturnType<typeof collectTopics>>;

  beforeAll(async () => {
    prefix = uniquePrefix('race');
    ({ kafka } = testKafka(prefix, 'race-test'));
    await provisionTopics(kafka, prefix);
    db = await createTestDatabase('race');
    await smtp.start();
    observed = await collectTopics(kafka, [
      prefix + Topics.abandonments.name,
      prefix + Topics.touchesEmail.name,
      prefix + Topics.deliveries.name,
    ]);
    const ports = await reservePorts(['ingestion', 'segmentation', 'scheduler', 'email'] as const);
    ingestion = `http://127.0.0.1:${ports.ingestion}`;
    env = {
      KAFKA_BROKERS: process.env['KAFKA_BROKERS'] ?? '',
      KAFKA_TOPIC_PREFIX: prefix,
      DATABASE_URL: db.url,
      SMTP_URL: smtp.url,
      INGESTION_API_KEYS: `race-store:${KEY}`,
      INGESTION_RATE_LIMIT: '100000',
      INGESTION_INSTANCE_ID: `race-${randomUUID().slice(0, 8)}`,
      RECOVERY_TIME_SCALE: String(SCALE),
      RECOVERY_HOLDOUT_PERCENT: '0',
      ABANDON_SWEEP_INTERVAL_MS: '100',
      RESUME_LINK_SECRET: 'race-resume-secret',
      PUBLIC_BASE_URL: ingestion,
      EMAIL_PUBLIC_URL: `http://127.0.0.1:${ports.email}`,
      LOG_LEVEL: process.env['RACE_LOG_LEVEL'] ?? 'warn',
      // The guarantee holds for any freshness bound below the guard (ADR 0005). Wider than the
      // defaults (60 / 200 ms) here, so that on a loaded 2-core machine running four services, the
      // broker and the test, the email service still gets messages out between orders.
      EMAIL_SEND_FRESHNESS_MS: '300',
      INGESTION_ORDER_ACK_GUARD_MS: '600',
    };
    const started = await Promise.all(
      Object.entries<number>(ports).map(([name, port]) => startServiceProcess(name, port, env)),
    );
    for (const s of started) running.set(s.name, s);
  });

  afterAll(async () => {
    await Promise.all([...running.values()].map((s) => s.stop()));
    await observed?.stop();
    await smtp.stop();
    await db?.drop();
  });

  // A 503 is retried with the same ids, as the contract asks; the order counts as acknowledged at its 202.
  const post = async (events: unknown[]) => (await postEvents(ingestion, KEY, events)).status;
  const at = (t: number) => new Promise((r) => setTimeout(r, Math.max(0, t - Date.now())));
  const recordsOn = (topic: string) => observed.records.filter((r) => r.topic === prefix + topic);

  it('never hands a recovery email to SMTP after the order was acknowledged, and never sends a touch twice', async () => {
    const runId = randomUUID().slice(0, 6);
    const start = Date.now() + 500;
    const carts: Cart[] = Array.from({ length: CARTS }, (_, i) => ({
      cartId: `race-${runId}-${i}`,
      email: `race-${runId}-${i}@example.com`,
      customerId: `cust-race-${runId}-${i}`,
      startAt: start + (i / CARTS) * SPREAD_MS,
      leadShare: Math.random(),
      emailTouchIds: [],
    }));
    const byCart = new Map(carts.map((c) => [c.cartId, c]));
    // The email service's current pace: median of the last outcomes' lag behind their due time.
    const recentLags: number[] = [];
    const handOffLag = () =>
      [...recentLags.slice(-20)].sort((a, b) => a - b)[Math.floor(Math.min(20, recentLags.length) / 2)] ?? 0;

    // Learn each abandonment (and so email 1's due time) as segmentation publishes it.
    let seen = 0;
    const watcher = setInterval(() => {
      const records = observed.records;
      for (; seen < records.length; seen++) {
        const r = records[seen];
        if (r?.topic === prefix + Topics.touchesEmail.name || r?.topic === prefix + Topics.deliveries.name) {
          const v = r.value as { cartId: string; touchId: string };
          const cart = byCart.get(v.cartId);
          if (cart && v.touchId === cart.emailTouchIds[0]) {
            if (r.topic === prefix + Topics.touchesEmail.name) cart.touchSeenAt ??= Date.now();
            else if (cart.outcomeSeenAt === undefined) {
              cart.outcomeSeenAt = Date.now();
              if (cart.dueAt !== undefined) recentLags.push(cart.outcomeSeenAt - cart.dueAt);
            }
          }
        }
        if (r?.topic !== prefix + Topics.abandonments.name) continue;
        const a = r.value as {
          cartId: string;
          abandonedAt: string;
          plan: Array<{ touchId: string; channel: string; offsetMs: number; sequence: number }>;
        };
        const cart = byCart.get(a.cartId);
        const emails = a.plan.filter((t) => t.channel === 'email').sort((x, y) => x.sequence - y.sequence);
        if (!cart || cart.dueAt !== undefined || !emails[0]) continue;
        cart.dueAt = Date.parse(a.abandonedAt) + emails[0].offsetMs * SCALE;
        cart.emailTouchIds = emails.map((t) => t.touchId);
      }
    }, 20);

    const republished: string[] = [];
    const republish = async (records: ConsumedRecord[]) => {
      const producer = kafka.producer();
      await producer.connect();
      try {
        await producer.send({
          topic: prefix + Topics.touchesEmail.name,
          messages: records.map((r) => ({ key: r.key, value: JSON.stringify(r.value), headers: r.headers })),
        });
      } finally {
        await producer.disconnect();
      }
      republished.push(...records.map((r) => (r.value as { touchId: string }).touchId));
    };
    const sample = <T>(items: T[], share: number) => items.filter(() => Math.random() < share);

    // Redelivery 1: kill the email service mid-run, start it again, and meanwhile publish a share
    // of the touches it has already handled once more.
    const chaos = (async () => {
      await at(start + KILL_EMAIL_AT * SPREAD_MS);
      const email = running.get('email')!;
      await email.stop('SIGKILL');
      const handled = new Set(recordsOn(Topics.deliveries.name).map((r) => (r.value as { touchId: string }).touchId));
      await republish(
        sample(
          recordsOn(Topics.touchesEmail.name).filter((r) => handled.has((r.value as { touchId: string }).touchId)),
          REPUBLISH_SHARE,
        ),
      );
      running.set('email', await startServiceProcess('email', await freePort(), env));
    })();

    try {
      await Promise.all([
        chaos,
        ...carts.map(async (c) => {
          await at(c.startAt);
          const now = new Date().toISOString();
          const customer = {
            id: c.customerId,
            email: c.email,
            firstName: 'Ada',
            ordersCount: 0,
            timezone: 'Europe/Paris',
          };
          const cart = {
            currency: 'EUR',
            items: [{ sku: 'LS-1', title: 'Linen Shirt', quantity: 1, unitPrice: 4900 }],
          };
          expect(
            await post([
              { id: `${c.cartId}-1`, type: 'cart.updated', occurredAt: now, cartId: c.cartId, customer, cart },
              {
                id: `${c.cartId}-2`,
                type: 'checkout.started',
                occurredAt: now,
                cartId: c.cartId,
                customer,
                cart,
                checkout: { step: 'contact' },
              },
            ]),
          ).toBe(202);
          const dueAt = await pollUntil(() => c.dueAt, {
            timeoutMs: 60_000,
            intervalMs: 20,
            description: `the abandonment of ${c.cartId}`,
          });
          const window = LEAD_MS.beforeDue + handOffLag() + LEAD_MS.afterHandOff;
          c.lead = -LEAD_MS.beforeDue + c.leadShare * window;
          await at(dueAt + c.lead);
          const status = await post([
            {
              id: `order-${c.cartId}`,
              type: 'order.completed',
              occurredAt: new Date().toISOString(),
              cartId: c.cartId,
              customer: { id: c.customerId },
              order: { id: `o-${c.cartId}`, total: 4900, currency: 'EUR' },
            },
          ]);
          expect(status).toBe(202);
          c.orderAckedAt = Date.now();
        }),
      ]);
    } finally {
      clearInterval(watcher);
      // Let the kill-and-restart finish even when a cart failed, so afterAll stops the email
      // service it started (a process left running would keep the test run from ending).
      await chaos.catch(() => undefined);
    }

    // Every planned email touch of every cart ends in an outcome (scheduler: cancelled; email:
    // sent, skipped, failed, unknown).
    const outcomeOf = () => {
      const outcomes = new Map<string, string[]>();
      for (const r of recordsOn(Topics.deliveries.name)) {
        const d = r.value as { touchId: string; status: string; reason?: string };
        if (d.status === 'clicked') continue;
        outcomes.set(d.touchId, [...(outcomes.get(d.touchId) ?? []), d.reason ? `${d.status}:${d.reason}` : d.status]);
      }
      return outcomes;
    };
    await pollUntil(() => carts.every((c) => c.emailTouchIds.every((id) => outcomeOf().has(id))), {
      timeoutMs: 90_000,
      intervalMs: 500,
      description: 'an outcome for every planned email touch',
    });

    // Redelivery 2: publish a share of all touches once more; each is re-reported, none resent.
    const again = sample(recordsOn(Topics.touchesEmail.name), REPUBLISH_SHARE);
    const reportsBefore = recordsOn(Topics.deliveries.name).length;
    await republish(again);
    await pollUntil(() => recordsOn(Topics.deliveries.name).length >= reportsBefore + again.length, {
      timeoutMs: 60_000,
      intervalMs: 250,
      description: 'the republished touches re-reported',
    });

    // The verdict, from what the SMTP server saw.
    const late: string[] = [];
    for (const c of carts) {
      for (const h of smtp.handoffs.filter((x) => x.to.includes(c.email))) {
        if (c.orderAckedAt !== undefined && h.at.getTime() > c.orderAckedAt)
          late.push(`${c.cartId}: hand-off ${h.at.getTime() - c.orderAckedAt} ms after the 202`);
      }
    }
    const perTouch = new Map<string, number>();
    for (const m of smtp.mails) {
      const touchId = m.mail.headers.get('x-reclaim-touch-id');
      if (typeof touchId === 'string') perTouch.set(touchId, (perTouch.get(touchId) ?? 0) + 1);
    }
    const twice = [...perTouch].filter(([, n]) => n > 1).map(([id]) => id);
    const finalOutcome = (id: string) => outcomeOf().get(id)?.[0] ?? 'none';
    const firstTouches = carts.map((c) => finalOutcome(c.emailTouchIds[0] ?? ''));
    const count = (pred: (o: string) => boolean) => firstTouches.filter(pred).length;
    const sent = count((o) => o === 'sent');
    const cancelled = count((o) => o.startsWith('cancelled'));
    const skipped = count((o) => o.startsWith('skipped:suppressed'));
    const unknown = count((o) => o.startsWith('unknown'));
    const ordersBeforeDue = carts.filter((c) => (c.orderAckedAt ?? 0) < (c.dueAt ?? 0)).length;
    const handedOff = carts.filter((c) => smtp.handoffs.some((h) => h.to.includes(c.email)));
    const closest = Math.min(
      ...handedOff.map(
        (c) =>
          (c.orderAckedAt ?? 0) -
          Math.max(...smtp.handoffs.filter((h) => h.to.includes(c.email)).map((h) => h.at.getTime())),
      ),
    );
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
    const lags = (f: (c: Cart) => number | undefined) =>
      median(carts.map(f).filter((x): x is number => x !== undefined && !Number.isNaN(x)));
    process.stderr.write(
      `\n[race] median lags: abandonment seen → email 1 due ${lags((c) => (c.dueAt ?? NaN) - c.startAt)} ms after posting; ` +
        `email 1 on the topic ${lags((c) => (c.touchSeenAt ?? NaN) - (c.dueAt ?? NaN))} ms after due; ` +
        `its outcome ${lags((c) => (c.outcomeSeenAt ?? NaN) - (c.touchSeenAt ?? NaN))} ms later\n`,
    );
    const reReports = [...outcomeOf().values()].filter((o) => o.length > 1).length;
    process.stderr.write(
      `\n[race] ${CARTS} carts, email 1 of each: ${sent} sent, ${cancelled} cancelled by the scheduler, ` +
        `${skipped} skipped as suppressed by email, ${unknown} unknown (cut by the kill), ` +
        `${CARTS - sent - cancelled - skipped - unknown} other; orders acknowledged before email 1 was due: ${ordersBeforeDue}, ` +
        `after: ${CARTS - ordersBeforeDue}; email killed and restarted once, ${republished.length} touch records republished, ` +
        `${reReports} touches reported more than once; ${late.length} late hand-offs, ${twice.length} double sends; ` +
        `closest hand-off ${closest} ms before its 202\n`,
    );

    expect(late).toEqual([]);
    expect(twice).toEqual([]);
    // Every cart's order was acknowledged, and the race was real: each outcome happened in numbers.
    expect(carts.filter((c) => c.orderAckedAt === undefined)).toEqual([]);
    // (How many go out depends on the machine's load — seen from 6 to 78 of 300 — so the floor is low:
    // what matters is that hand-offs happened at all, next to orders, and none after one.)
    expect(sent).toBeGreaterThanOrEqual(3);
    expect(cancelled).toBeGreaterThanOrEqual(5);
    expect(skipped).toBeGreaterThanOrEqual(5);
    // Redelivery reached the email service: republished touches were re-reported, not resent.
    expect(republished.length).toBeGreaterThan(0);
    expect(reReports).toBeGreaterThan(0);
  });
});
