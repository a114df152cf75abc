import 'reflect-metadata';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  Contracts,
  Topics,
  type Abandonment,
  type Delivery,
  type IncentiveIssued,
  type Recovery,
  type StorefrontEventRecord,
  type Suppression,
} from '@reclaim/contracts';
import { mulberry32, pollUntil, startServiceUnderTest, type ServiceUnderTest } from '@reclaim/testing';
import { startAttribution } from '../src/app';
import { AttributionConfig } from '../src/config';
import { lift, type GroupSums } from '../src/lift/lift';
import type { RecoveryReport } from '../src/reports/recovery-report';

/**
 * A seeded population of 2,000 abandoned carts with known outcomes goes through the real topics
 * (abandonments, deliveries, clicks, incentive codes, orders, suppressions); the reports API must
 * answer exactly the counts, rates, revenue, cost, lift and intervals the population implies, and
 * reclaim.recoveries.v1 must carry exactly one record per recovered cart — also after every
 * record is delivered a second time.
 */

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const STORE = `store-${Date.now().toString(36)}`;
const OTHER_STORE = `${STORE}-other`;
const INGESTION_KEY = 'ingest-key-0001-aaaa';
const REPORTS_KEY = 'reports-key-0001-bbbb';
const OTHER_REPORTS_KEY = 'reports-key-0002-cccc';
const COSTS = { currency: 'EUR', email: 0.1, smsSegment: 7, push: 0 };

type Outcome =
  | 'click' // email 1 sent +1h, clicked +2h, order +3h: credited to email 1 (clicked)
  | 'view' // email 1 sent +1h, sms 2 sent +20h (2 segments), order +30h: credited to sms 2 (delivered)
  | 'unprompted' // email 1 sent +1h, order +72h: no click, nothing delivered within a day: no touch
  | 'shopper' // email 1 sent +1h, clicked +2h, order for ANOTHER cart of the shopper +5h
  | 'second' // as click, then a second order for the same cart a day later: counted once
  | 'late' // email 1 sent +1h, order +8 days: outside the 7-day window, not recovered
  | 'lost' // email 1 sent +1h, no order
  | 'holdout-recovered' // held out, order +10h: recovered without a touch
  | 'holdout-lost';

const RECOVERED: ReadonlySet<Outcome> = new Set([
  'click',
  'view',
  'unprompted',
  'shopper',
  'second',
  'holdout-recovered',
]);
const HOURS_TO_RECOVER: Partial<Record<Outcome, number>> = {
  click: 3,
  view: 30,
  unprompted: 72,
  shopper: 5,
  second: 3,
  'holdout-recovered': 10,
};

interface Cart {
  cartId: string;
  shopper: string;
  customer: { id?: string; email?: string; country: string };
  holdout: boolean;
  currency: 'EUR' | 'GBP';
  value: number;
  device: 'mobile' | 'desktop';
  segment: string;
  abandonedAt: number;
  outcome: Outcome;
  orderTotal: number;
  code?: { code: string; discount: number };
}

function population(now: number): Cart[] {
  const random = mulberry32(20261207);
  const pick = <T>(items: ReadonlyArray<T>): T => items[Math.floor(random() * items.length)]!;
  const carts: Cart[] = [];
  let shopperNo = 0;
  while (carts.length < 2000) {
    shopperNo += 1;
    const guest = random() < 0.2;
    const customer = guest
      ? { email: `guest${shopperNo}@example.com`, country: pick(['DE', 'FR', 'GB']) }
      : { id: `cust-${shopperNo}`, email: `c${shopperNo}@example.com`, country: pick(['DE', 'FR', 'GB']) };
    const shopper = customer.id ? `customer:${customer.id}` : `email:${customer.email}`;
    const holdout = random() < 0.1;
    const twoCarts = random() < 0.25 && carts.length < 1999;
    for (let k = 0; k < (twoCarts ? 2 : 1); k++) {
      const r = random();
      // Shoppers with two carts only get outcomes that involve their own cart (the shopper rule
      // would otherwise pick the other cart, which is tested on its own).
      let outcome: Outcome;
      if (holdout) outcome = r < 0.06 ? 'holdout-recovered' : 'holdout-lost';
      else if (twoCarts) outcome = r < 0.05 ? 'click' : r < 0.08 ? 'view' : 'lost';
      else
        outcome =
          r < 0.04
            ? 'click'
            : r < 0.06
              ? 'view'
              : r < 0.075
                ? 'unprompted'
                : r < 0.09
                  ? 'shopper'
                  : r < 0.1
                    ? 'second'
                    : r < 0.11
                      ? 'late'
                      : 'lost';
      const currency = random() < 0.75 ? 'EUR' : 'GBP';
      const value = 1000 + Math.floor(random() * 200) * 50;
      // Abandoned 9 to 20 days ago (the late order, 8 days on, is in the past too), a second cart a day later.
      const abandonedAt = now - (9 + Math.floor(random() * 11)) * DAY - Math.floor(random() * 12) * HOUR + k * DAY;
      const cart: Cart = {
        cartId: `cart-${shopperNo}-${k}`,
        shopper,
        customer,
        holdout,
        currency,
        value,
        device: random() < 0.6 ? 'mobile' : 'desktop',
        segment: pick(['first-time', 'returning', 'high-ticket']),
        abandonedAt,
        outcome,
        orderTotal: outcome === 'shopper' ? 500 + Math.floor(random() * 100) * 25 : value,
      };
      if (outcome === 'click' && random() < 0.5)
        cart.code = { code: `RCL-${shopperNo}-${k}`, discount: Math.round(value / 10) };
      carts.push(cart);
    }
  }
  return carts;
}

describe('recovery attribution and the reports API (Kafka + Postgres)', () => {
  const now = Date.now();
  const carts = population(now);
  let sut: ServiceUnderTest<AttributionConfig>;
  let baseUrl: string;

  const iso = (t: number) => new Date(t).toISOString();

  const records = () => {
    const abandonments: Abandonment[] = [];
    const deliveries: Delivery[] = [];
    const incentives: IncentiveIssued[] = [];
    const orders: StorefrontEventRecord[] = [];
    const order = (c: Cart, id: string, cartId: string, at: number, code?: Cart['code']): StorefrontEventRecord => ({
      storeId: STORE,
      receivedAt: iso(at),
      event: {
        id: `ev-${id}`,
        type: 'order.completed',
        occurredAt: iso(at),
        cartId,
        customer: { ...(c.customer.id && { id: c.customer.id }), ...(c.customer.email && { email: c.customer.email }) },
        order: {
          id,
          total: c.orderTotal,
          currency: c.currency,
          ...(code && { discountCode: code.code, discountTotal: code.discount }),
        },
      },
    });
    const send = (c: Cart, channel: 'email' | 'sms', sequence: number, at: number, extra: Partial<Delivery> = {}) => {
      const touchId = `${c.cartId}:t${sequence}`;
      deliveries.push({
        deliveryId: `${touchId}:sent`,
        touchId,
        abandonmentId: `ab-${c.cartId}`,
        storeId: STORE,
        cartId: c.cartId,
        channel,
        sequence,
        status: 'sent',
        at: iso(at),
        ...extra,
      });
      return touchId;
    };
    for (const c of carts) {
      const a = c.abandonedAt;
      abandonments.push({
        abandonmentId: `ab-${c.cartId}`,
        storeId: STORE,
        cartId: c.cartId,
        stage: 'checkout',
        segment: c.segment,
        holdout: c.holdout,
        holdoutPercent: 10,
        device: c.device,
        customer: { ...c.customer },
        consent: { email: true, sms: true, push: false },
        cart: {
          currency: c.currency,
          items: [{ sku: 'SKU-1', title: 'Thing', quantity: 1, unitPrice: c.value }],
          value: c.value,
        },
        lastActivityAt: iso(a - 15 * 60_000),
        abandonedAt: iso(a),
        plan: c.holdout
          ? []
          : [
              {
                touchId: `${c.cartId}:t1`,
                sequence: 1,
                channel: 'email',
                offsetMs: HOUR,
                template: 'e1',
                incentive: 'none',
                angle: 'delivery',
              },
              {
                touchId: `${c.cartId}:t2`,
                sequence: 2,
                channel: 'sms',
                offsetMs: 20 * HOUR,
                template: 's2',
                incentive: 'none',
                angle: 'returns',
              },
            ],
      });
      if (c.holdout) {
        if (c.outcome === 'holdout-recovered') orders.push(order(c, `o-${c.cartId}`, c.cartId, a + 10 * HOUR));
        continue;
      }
      const t1 = send(c, 'email', 1, a + HOUR);
      const click = () =>
        deliveries.push({
          deliveryId: `${t1}:clicked`,
          touchId: t1,
          abandonmentId: `ab-${c.cartId}`,
          storeId: STORE,
          cartId: c.cartId,
          channel: 'email',
          // As ingestion records it: a click names its touch, not the touch's sequence.
          status: 'clicked',
          click: { credited: true, kind: 'first' },
          at: iso(a + 2 * HOUR),
        });
      switch (c.outcome) {
        case 'click':
        case 'second':
          click();
          if (c.code)
            incentives.push({
              code: c.code.code,
              kind: 'percent_10',
              singleUse: true,
              storeId: STORE,
              cartId: c.cartId,
              touchId: t1,
              issuedAt: iso(a + HOUR),
              expiresAt: iso(a + 8 * DAY),
            });
          orders.push(order(c, `o-${c.cartId}`, c.cartId, a + 3 * HOUR, c.code));
          if (c.outcome === 'second') orders.push(order(c, `o2-${c.cartId}`, c.cartId, a + 27 * HOUR));
          break;
        case 'view':
          send(c, 'sms', 2, a + 20 * HOUR, { segments: 2 });
          orders.push(order(c, `o-${c.cartId}`, c.cartId, a + 30 * HOUR));
          break;
        case 'unprompted':
          orders.push(order(c, `o-${c.cartId}`, c.cartId, a + 72 * HOUR));
          break;
        case 'shopper':
          click();
          orders.push(order(c, `o-${c.cartId}`, `new-${c.cartId}`, a + 5 * HOUR));
          break;
        case 'late':
          orders.push(order(c, `o-${c.cartId}`, c.cartId, a + 8 * DAY));
          break;
        default:
          break;
      }
    }
    // Deliverability: 12 bounces among lost carts; 3 complaints, 5 unsubscribes and 2 SMS STOPs.
    const lost = carts.filter((c) => c.outcome === 'lost').slice(0, 12);
    for (const c of lost)
      deliveries.push({
        deliveryId: `${c.cartId}:t1:bounced`,
        touchId: `${c.cartId}:t1`,
        storeId: STORE,
        cartId: c.cartId,
        channel: 'email',
        sequence: 1,
        status: 'bounced',
        reason: 'hard_bounce:550',
        at: iso(c.abandonedAt + 2 * HOUR),
      });
    const suppressions: Suppression[] = [
      ...[0, 1, 2].map((i) => suppression(`contact:email:x${i}@example.com`, 'complaint', now - 5 * DAY)),
      ...[0, 1, 2, 3, 4].map((i) => suppression(`contact:email:u${i}@example.com`, 'unsubscribed', now - 4 * DAY)),
      ...[0, 1].map((i) => suppression(`contact:sms:+4415550000${i}`, 'sms_stop', now - 3 * DAY)),
    ];
    return { abandonments, deliveries, incentives, orders, suppressions };
  };

  const suppression = (scope: string, reason: Suppression['reason'], at: number): Suppression => ({
    scope,
    storeId: STORE,
    reason,
    sourceEventId: `src-${scope}`,
    suppressedAt: iso(at),
  });

  const publishAll = async () => {
    const r = records();
    await sut.publisher.publish(Contracts.abandonment, r.abandonments);
    await sut.publisher.publish(Contracts.incentive, r.incentives);
    await sut.publisher.publish(Contracts.delivery, r.deliveries);
    await sut.publisher.publish(Contracts.suppression, r.suppressions);
    await sut.publisher.publish(Contracts.storefrontEvent, r.orders);
    return r;
  };

  const get = async (path: string, key = REPORTS_KEY): Promise<Response> =>
    fetch(`${baseUrl}${path}`, { headers: { authorization: `Bearer ${key}` } });

  const report = async (key = REPORTS_KEY): Promise<RecoveryReport> => {
    const res = await get(`/v1/reports/recovery?from=${iso(now - 30 * DAY)}&to=${iso(now)}`, key);
    expect(res.status).toBe(200);
    return (await res.json()) as RecoveryReport;
  };

  const expectedRecovered = carts.filter((c) => RECOVERED.has(c.outcome));

  beforeAll(async () => {
    sut = await startServiceUnderTest({
      name: 'attribution-report',
      schema: AttributionConfig,
      start: (config) => startAttribution(config, { port: 0, host: '127.0.0.1' }),
      env: {
        INGESTION_API_KEYS: `${STORE}:${INGESTION_KEY}`,
        REPORTS_API_KEYS: `${STORE}:${REPORTS_KEY},${OTHER_STORE}:${OTHER_REPORTS_KEY}`,
        ATTRIBUTION_STORES: JSON.stringify({ [STORE]: { costs: COSTS } }),
      },
      observe: [Topics.recoveries.name],
      source: '/test/upstream',
    });
    const address = (sut.app.getHttpServer() as import('node:http').Server).address() as { port: number };
    baseUrl = `http://127.0.0.1:${address.port}`;
    await publishAll();
    await pollUntil(async () => (await report()).recovered === expectedRecovered.length || undefined, {
      timeoutMs: 120_000,
      intervalMs: 500,
      description: `${expectedRecovered.length} recoveries decided`,
    });
  }, 180_000);

  afterAll(async () => {
    await sut?.close();
  });

  it('publishes exactly one recovery per recovered cart, credited by the rules', async () => {
    await pollUntil(() => sut.recordsOn(Topics.recoveries.name).length >= expectedRecovered.length, {
      description: 'every recovery published',
    });
    const published = sut.recordsOn(Topics.recoveries.name).map((r) => r.value as Recovery);
    expect(published.map((r) => r.cartId).sort()).toEqual(expectedRecovered.map((c) => c.cartId).sort());
    const byCart = new Map(published.map((r) => [r.cartId, r]));
    for (const c of expectedRecovered) {
      const r = byCart.get(c.cartId)!;
      const expected: Partial<Recovery> = {
        orderId: `o-${c.cartId}`,
        revenue: c.orderTotal,
        currency: c.currency,
        holdout: c.holdout,
        hoursToRecover: HOURS_TO_RECOVER[c.outcome],
      };
      if (c.outcome === 'click' || c.outcome === 'second' || c.outcome === 'shopper')
        Object.assign(expected, {
          credit: 'clicked',
          attributedChannel: 'email',
          attributedSequence: 1,
          angle: 'delivery',
        });
      if (c.outcome === 'view')
        Object.assign(expected, {
          credit: 'delivered',
          attributedChannel: 'sms',
          attributedSequence: 2,
          angle: 'returns',
        });
      if (c.outcome === 'unprompted' || c.holdout) expect(r.attributedChannel).toBeUndefined();
      if (c.outcome === 'unprompted' || c.holdout) Object.assign(expected, { credit: 'none' });
      if (c.outcome === 'shopper') Object.assign(expected, { orderCartId: `new-${c.cartId}` });
      if (c.code) Object.assign(expected, { incentiveCode: c.code.code });
      expect(r).toMatchObject({ cartId: c.cartId, ...expected });
    }
  });

  it('reports exactly the counts, revenue, cost and lift the population implies', async () => {
    const got = await report();
    const treated = carts.filter((c) => !c.holdout);
    const held = carts.filter((c) => c.holdout);
    const recoveredIn = (cs: Cart[]) => cs.filter((c) => RECOVERED.has(c.outcome));
    expect({
      abandoned: got.abandoned,
      messaged: got.messaged,
      clicked: got.clicked,
      recovered: got.recovered,
      treated: got.treated,
      holdout: got.holdout,
    }).toEqual({
      abandoned: 2000,
      messaged: treated.length,
      clicked: treated.filter((c) => ['click', 'second', 'shopper'].includes(c.outcome)).length,
      recovered: expectedRecovered.length,
      treated: {
        abandoned: treated.length,
        recovered: recoveredIn(treated).length,
        rate: recoveredIn(treated).length / treated.length,
        shoppers: new Set(treated.map((c) => c.shopper)).size,
      },
      holdout: {
        abandoned: held.length,
        recovered: recoveredIn(held).length,
        rate: recoveredIn(held).length / held.length,
        shoppers: new Set(held.map((c) => c.shopper)).size,
      },
    });

    // Lift on the shopper as the unit: the sums computed here, independently of the service.
    const sums = (cs: Cart[]): GroupSums => {
      const per = new Map<string, { n: number; r: number }>();
      for (const c of cs) {
        const s = per.get(c.shopper) ?? { n: 0, r: 0 };
        s.n += 1;
        s.r += RECOVERED.has(c.outcome) ? 1 : 0;
        per.set(c.shopper, s);
      }
      const v = [...per.values()];
      return {
        shoppers: v.length,
        carts: v.reduce((x, s) => x + s.n, 0),
        recovered: v.reduce((x, s) => x + s.r, 0),
        sumCartsSq: v.reduce((x, s) => x + s.n * s.n, 0),
        sumRecoveredSq: v.reduce((x, s) => x + s.r * s.r, 0),
        sumCartsRecovered: v.reduce((x, s) => x + s.n * s.r, 0),
      };
    };
    const expectedLift = lift(sums(treated), sums(held));
    expect(got.lift.since).toBe(iso(Math.min(...carts.map((c) => c.abandonedAt))));
    expect(got.lift.holdoutPercent).toBe(10);
    expect(got.lift.absolute).toBeCloseTo(expectedLift.absolute, 12);
    expect(got.lift.ci95[0]).toBeCloseTo(expectedLift.ci95[0], 12);
    expect(got.lift.ci95[1]).toBeCloseTo(expectedLift.ci95[1], 12);
    expect(got.lift.fixedCi95[0]).toBeCloseTo(expectedLift.fixedCi95[0], 12);
    expect(got.lift.fixedCi95[1]).toBeCloseTo(expectedLift.fixedCi95[1], 12);
    expect(got.lift.verdict).toBe(expectedLift.verdict);
    expect(got.lift.verdictText).toBe(expectedLift.verdictText);
    // Per currency, each with its own interval.
    for (const currency of ['EUR', 'GBP'] as const) {
      const only = (cs: Cart[]) => cs.filter((c) => c.currency === currency);
      const expectedInCurrency = lift(sums(only(treated)), sums(only(held)));
      expect(got.lift.byCurrency[currency]?.ci95[0]).toBeCloseTo(expectedInCurrency.ci95[0], 12);
      expect(got.lift.byCurrency[currency]?.ci95[1]).toBeCloseTo(expectedInCurrency.ci95[1], 12);
      expect(got.lift.byCurrency[currency]?.treated.abandoned).toBe(only(treated).length);
    }
    // The always-valid interval is wider than the fixed one: it pays for reading every day.
    expect(got.lift.ci95[1] - got.lift.ci95[0]).toBeGreaterThan(got.lift.fixedCi95[1] - got.lift.fixedCi95[0]);

    // Revenue per currency, never summed across currencies.
    for (const currency of ['EUR', 'GBP'] as const) {
      const inCur = (cs: Cart[]) => cs.filter((c) => c.currency === currency);
      const revenueOf = (cs: Cart[]) => recoveredIn(inCur(cs)).reduce((x, c) => x + c.orderTotal, 0);
      const tAb = inCur(treated).length;
      const hAb = inCur(held).length;
      const incremental = Math.round((revenueOf(treated) / tAb - revenueOf(held) / hAb) * tAb);
      const orderRevenue = carts
        .filter((c) => c.currency === currency && c.outcome !== 'lost' && c.outcome !== 'holdout-lost')
        .reduce((x, c) => x + c.orderTotal * (c.outcome === 'second' ? 2 : 1), 0);
      expect(got.revenue[currency]).toEqual({
        recovered: revenueOf(treated) + revenueOf(held),
        treatedRecovered: revenueOf(treated),
        holdoutRecovered: revenueOf(held),
        incremental,
        perAbandoner: { treated: revenueOf(treated) / tAb, holdout: revenueOf(held) / hAb },
        orderRevenue,
        shareOfOrderRevenue: (revenueOf(treated) + revenueOf(held)) / orderRevenue,
      });
    }

    // Cost: 0.1 per email, 7 per SMS segment (the view outcome's SMS has two segments).
    const emails = treated.length;
    const smsSegments = 2 * treated.filter((c) => c.outcome === 'view').length;
    const cost = emails * COSTS.email + smsSegments * COSTS.smsSegment;
    const incrementalRecoveries =
      (recoveredIn(treated).length / treated.length - recoveredIn(held).length / held.length) * treated.length;
    expect(got.cost.messages).toEqual({ email: emails, smsSegments, push: 0 });
    expect(got.cost.total).toBeCloseTo(cost, 9);
    expect(got.cost.byChannel.sms).toBeCloseTo(smsSegments * 7, 9);
    expect(got.cost.incrementalRecoveries).toBeCloseTo(incrementalRecoveries, 9);
    expect(got.cost.perIncrementalRecovery).toBeCloseTo(cost / incrementalRecoveries, 9);
    expect(got.cost.incrementalRevenuePerCost).toBeCloseTo(got.revenue['EUR']!.incremental / cost, 9);

    // Channels: recoveries credited per channel.
    const email = got.byChannel.find((c) => c.channel === 'email')!;
    const sms = got.byChannel.find((c) => c.channel === 'sms')!;
    const credited = (outcomes: Outcome[]) => treated.filter((c) => outcomes.includes(c.outcome));
    expect(email.recovered).toBe(credited(['click', 'second', 'shopper']).length);
    expect(sms.recovered).toBe(credited(['view']).length);
    expect(email.sent).toBe(emails);
    expect(email.clicked).toBe(credited(['click', 'second', 'shopper']).length);
    expect(email.share).toBeCloseTo(email.recovered / (email.recovered + sms.recovered), 12);

    // Incentive codes: issued, and redeemed by orders that name them.
    const coded = carts.filter((c) => c.code);
    expect(got.incentives.issued).toBe(coded.length);
    expect(got.incentives.redeemed).toBe(coded.length);
    for (const currency of ['EUR', 'GBP'])
      expect(got.incentives.discountGiven[currency] ?? 0).toBe(
        coded.filter((c) => c.currency === currency).reduce((x, c) => x + c.code!.discount, 0),
      );

    // Time to recover: every recovery in its bucket.
    const inBucket = (from: number, to: number) =>
      expectedRecovered.filter((c) => HOURS_TO_RECOVER[c.outcome]! >= from && HOURS_TO_RECOVER[c.outcome]! < to).length;
    for (const b of got.timeToRecover.buckets) expect(b.recovered).toBe(inBucket(b.fromHours, b.toHours));
    expect(got.timeToRecover.buckets.at(-1)!.cumulativeShare).toBe(1);

    // Deliverability.
    expect(got.deliverability).toMatchObject({ bounced: 12, complained: 3, unsubscribed: 5, smsOptOuts: 2 });
    expect(got.deliverability.rates.bounced).toBeCloseTo(12 / got.deliverability.sent, 12);

    // Breakdowns: cart dimensions add up to the cohort.
    for (const dimension of ['segment', 'device', 'country'] as const) {
      const rows = got.breakdown.filter((r) => r.dimension === dimension);
      expect(rows.reduce((x, r) => x + (r.abandoned ?? 0), 0)).toBe(2000);
      expect(rows.reduce((x, r) => x + r.recovered, 0)).toBe(expectedRecovered.length);
    }
    const mobile = got.breakdown.find((r) => r.dimension === 'device' && r.key === 'mobile')!;
    expect(mobile.abandoned).toBe(carts.filter((c) => c.device === 'mobile').length);
    expect(got.breakdown.find((r) => r.dimension === 'angle' && r.key === 'returns')!.recovered).toBe(sms.recovered);
    expect(got.liftOverTime.length).toBeGreaterThan(5);
    expect(got.liftOverTime.at(-1)!.ci95).toEqual(got.lift.ci95);
  });

  it('serves the breakdown as CSV', async () => {
    const res = await get(`/v1/reports/recovery.csv?from=${iso(now - 30 * DAY)}&to=${iso(now)}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = (await res.text()).trim().split('\r\n');
    expect(lines[0]).toBe('dimension,key,abandoned,messaged,clicked,recovered,rate,revenue_EUR,revenue_GBP');
    const mobile = lines.find((l) => l.startsWith('device,mobile,'))!.split(',');
    expect(Number(mobile[2])).toBe(carts.filter((c) => c.device === 'mobile').length);
  });

  it('lets each store see only its own data, and nobody without a key', async () => {
    const other = await report(OTHER_REPORTS_KEY);
    expect(other).toMatchObject({ storeId: OTHER_STORE, abandoned: 0, recovered: 0 });
    expect(other.lift.verdict).toBe('not_enough_data');
    expect((await report(INGESTION_KEY)).abandoned).toBe(2000);
    const none = await fetch(`${baseUrl}/v1/reports/recovery`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect((await get('/v1/reports/recovery', 'not-a-key-at-all')).status).toBe(401);
  });

  it('measures lift from the start of the current hold-out epoch: a new hold-out share starts a new one', async () => {
    // The other store held out 20 % for a while, then 10 %: lift counts only the 10 % epoch.
    const epochCart = (i: number, percent: number, at: number): Abandonment => ({
      abandonmentId: `ep-${i}`,
      storeId: OTHER_STORE,
      cartId: `ep-cart-${i}`,
      stage: 'cart',
      segment: 'returning',
      holdout: i % 5 === 0,
      holdoutPercent: percent,
      customer: { id: `ep-cust-${i}` },
      consent: { email: true, sms: false, push: false },
      cart: { currency: 'EUR', items: [{ sku: 'S', title: 'T', quantity: 1, unitPrice: 1000 }], value: 1000 },
      lastActivityAt: iso(at - 30 * 60_000),
      abandonedAt: iso(at),
      plan: [],
    });
    const older = Array.from({ length: 12 }, (_, i) => epochCart(i, 20, now - 10 * DAY + i * HOUR));
    const newer = Array.from({ length: 8 }, (_, i) => epochCart(100 + i, 10, now - 5 * DAY + i * HOUR));
    await sut.publisher.publish(Contracts.abandonment, [...older, ...newer]);
    const got = await pollUntil(
      async () => {
        const r = await report(OTHER_REPORTS_KEY);
        return r.abandoned === 20 ? r : undefined;
      },
      { description: "the other store's 20 abandonments" },
    );
    expect(got.lift.since).toBe(newer[0]?.abandonedAt);
    expect(got.lift.holdoutPercent).toBe(10);
    expect(got.lift.treated.abandoned + got.lift.holdout.abandoned).toBe(newer.length);
    // The period's own counts still cover both epochs.
    expect(got.treated.abandoned + got.holdout.abandoned).toBe(20);
  });

  it('refuses a malformed period with details', async () => {
    const bad = await get('/v1/reports/recovery?from=yesterday');
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ details: [{ path: 'from', message: expect.stringMatching(/RFC 3339/) }] });
    const backwards = await get(`/v1/reports/recovery?from=${iso(now)}&to=${iso(now - DAY)}`);
    expect(backwards.status).toBe(400);
  });

  it('counts nothing twice when every record is delivered again', async () => {
    const before = await report();
    await publishAll();
    // A sentinel recovery published after the redelivery: once it is decided, everything before it was read.
    const sentinel = carts.find((c) => c.outcome === 'lost' && !c.holdout)!;
    await sut.publisher.publish(Contracts.storefrontEvent, [
      {
        storeId: STORE,
        receivedAt: iso(sentinel.abandonedAt + 4 * HOUR),
        event: {
          id: 'ev-sentinel',
          type: 'order.completed',
          occurredAt: iso(sentinel.abandonedAt + 4 * HOUR),
          cartId: sentinel.cartId,
          order: { id: 'o-sentinel', total: sentinel.value, currency: sentinel.currency },
        },
      },
    ]);
    await pollUntil(() => sut.recordsOn(Topics.recoveries.name).some((r) => r.key?.endsWith(sentinel.cartId)), {
      timeoutMs: 120_000,
      description: 'the sentinel recovery published after the redelivery',
    });
    const after = await report();
    expect(after.recovered).toBe(before.recovered + 1);
    expect(after.abandoned).toBe(before.abandoned);
    // Messages and their cost unchanged (the sentinel's recovery moves only the incremental figures).
    expect({ messages: after.cost.messages, total: after.cost.total, byChannel: after.cost.byChannel }).toEqual({
      messages: before.cost.messages,
      total: before.cost.total,
      byChannel: before.cost.byChannel,
    });
    expect(after.incentives).toEqual(before.incentives);
    expect(after.deliverability).toEqual(before.deliverability);
    const keys = sut.recordsOn(Topics.recoveries.name).map((r) => r.key);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys).toHaveLength(expectedRecovered.length + 1);
  });

  it('serves the OpenAPI document it was built with, matching the committed copy', async () => {
    const res = await fetch(`${baseUrl}/docs/openapi.json`);
    expect(res.status).toBe(200);
    const served = (await res.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(served.openapi).toBe('3.1.0');
    expect(Object.keys(served.paths)).toEqual(
      expect.arrayContaining(['/v1/reports/recovery', '/v1/reports/recovery.csv']),
    );
    const committed = join(__dirname, '..', 'openapi.json');
    const text = `${JSON.stringify(served, null, 2)}\n`;
    // `UPDATE_OPENAPI=1 npm test -- --testPathPatterns recovery-report` rewrites the committed copy after an API change.
    if (process.env['UPDATE_OPENAPI'] === '1') writeFileSync(committed, text);
    expect(text).toBe(readFileSync(committed, 'utf8'));
    expect((await fetch(`${baseUrl}/docs`)).status).toBe(200);
  });
});
