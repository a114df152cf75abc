import { randomUUID } from 'node:crypto';
import { Contracts, Topics, type TouchDue } from '@reclaim/contracts';
import { EventPublisher, provisionTopics } from '@reclaim/kafka';
import {
  collectTopics,
  createTestDatabase,
  pollUntil,
  reservePorts,
  startServiceProcess,
  testKafka,
  uniquePrefix,
  type RunningService,
  type TestDatabase,
  postEvents,
} from '@reclaim/testing';

/**
 * The suppression race for one channel service (sms or push), run as processes next to ingestion
 * at the shipped defaults (INGESTION_ORDER_ACK_GUARD_MS 200, SMS/PUSH_SEND_FRESHNESS_MS 60: none
 * is set here). Due touches are published straight to the channel's topic — segmentation and the
 * scheduler only decide *when* a touch is due, and suppression-race.e2e-spec.ts covers them for
 * email — and each cart's order is posted to ingestion at a random moment around the measured
 * hand-off: from a second before its touch is published to a few seconds after the channel is
 * currently handing such touches to the provider. Half the orders name the touch's cart; the other
 * half are the same shopper's order of another cart (by phone for SMS, by customer id for push), so
 * the shopper-wide scopes race too. A share of the touches is published again at the end.
 */
export interface RaceCart {
  index: number;
  cartId: string;
  /** The cart the order is for: the touch's own, or the shopper's other one. */
  orderCartId: string;
  touch: TouchDue;
  startAt: number;
  leadShare: number;
  lead?: number;
  publishedAt?: number;
  orderAckedAt?: number;
}

export interface ChannelDriver {
  channel: 'sms' | 'push';
  /** Extra environment for the channel service (its provider). */
  env: Record<string, string>;
  /** The touch's customer for cart `i` (each cart has its own provider address). */
  customer(i: number, runId: string): TouchDue['customer'];
  /** Events posted to ingestion before the race (push: the subscriptions), and how to know they arrived. */
  prepare?(carts: RaceCart[], post: (events: unknown[]) => Promise<number>, db: TestDatabase): Promise<void>;
  /** When the provider received requests for a cart (its arrival times, ms). */
  arrivals(cart: RaceCart): number[];
}

export interface RaceOptions {
  carts: number;
  spreadMs: number;
  beforeMs: number;
  afterHandOffMs: number;
  republishShare: number;
}

export interface RaceResult {
  carts: RaceCart[];
  late: string[];
  doubleSends: string[];
  /** Touches without exactly one distinct outcome. */
  notOneOutcome: string[];
  outcomes: Map<string, string>;
  republished: number;
  reReported: number;
  closestMs: number;
  medianHandOffLagMs: number;
}

const KEY = 'race-store-key-0001';
const STORE = 'race-store';

export class ChannelRace {
  private readonly running: RunningService[] = [];
  private db: TestDatabase | undefined;
  private prefix = '';
  private kafka: ReturnType<typeof testKafka>['kafka'] | undefined;
  private settings: ReturnType<typeof testKafka>['settings'] | undefined;
  private observed: Awaited<ReturnType<typeof collectTopics>> | undefined;
  private publisher: EventPublisher | undefined;
  private ingestion = '';

  constructor(private readonly driver: ChannelDriver) {}

  async start(): Promise<void> {
    this.prefix = uniquePrefix(`race-${this.driver.channel}`);
    ({ kafka: this.kafka, settings: this.settings } = testKafka(this.prefix, `race-${this.driver.channel}-test`));
    await provisionTopics(this.kafka, this.prefix);
    this.db = await createTestDatabase(`race-${this.driver.channel}`);
    this.observed = await collectTopics(this.kafka, [this.prefix + Topics.deliveries.name]);
    this.publisher = new EventPublisher(this.kafka, this.settings, { source: '/reclaim/race-test' });
    await this.publisher.connect();
    const ports = await reservePorts(['ingestion', this.driver.channel] as const);
    this.ingestion = `http://127.0.0.1:${ports.ingestion}`;
    const env = {
      KAFKA_BROKERS: process.env['KAFKA_BROKERS'] ?? '',
      KAFKA_TOPIC_PREFIX: this.prefix,
      DATABASE_URL: this.db.url,
      INGESTION_API_KEYS: `${STORE}:${KEY}`,
      INGESTION_RATE_LIMIT: '100000',
      INGESTION_INSTANCE_ID: `race-${randomUUID().slice(0, 8)}`,
      RESUME_LINK_SECRET: 'race-resume-secret',
      PUBLIC_BASE_URL: this.ingestion,
      LOG_LEVEL: process.env['RACE_LOG_LEVEL'] ?? 'warn',
      ...this.driver.env,
    };
    const started = await Promise.all(
      Object.entries<number>(ports).map(([name, port]) => startServiceProcess(name, port, env)),
    );
    this.running.push(...started);
  }

  async stop(): Promise<void> {
    await Promise.all(this.running.map((s) => s.stop()));
    await this.publisher?.disconnect();
    await this.observed?.stop();
    await this.db?.drop();
  }

  /** A 503 is retried with the same ids, as the contract asks; an order counts as acknowledged at its 202. */
  private async post(events: unknown[]): Promise<number> {
    return (await postEvents(this.ingestion, KEY, events)).status;
  }

  private deliveries(): Array<{ touchId: string; status: string; reason?: string; deliveryId: string }> {
    return (this.observed?.records ?? []).map(
      (r) => r.value as { touchId: string; status: string; reason?: string; deliveryId: string },
    );
  }

  async run(o: RaceOptions): Promise<RaceResult> {
    const runId = randomUUID().slice(0, 6);
    const hour = 3_600_000;
    const t0 = Date.now();
    const carts: RaceCart[] = Array.from({ length: o.carts }, (_, i) => {
      const cartId = `race-${runId}-${i}`;
      return {
        index: i,
        cartId,
        orderCartId: i % 2 === 0 ? cartId : `${cartId}-other`,
        leadShare: Math.random(),
        startAt: 0,
        touch: {
          touchId: `touch-${runId}-${i}`,
          abandonmentId: `ab-${runId}-${i}`,
          storeId: STORE,
          cartId,
          channel: this.driver.channel,
          sequence: 1,
          template: this.driver.channel === 'sms' ? 'sms-reminder' : 'push-resume-card',
          incentive: 'none',
          segment: 'first_time',
          customer: this.driver.customer(i, runId),
          cart: {
            currency: 'EUR',
            value: 4900,
            items: [{ sku: 'LS-1', title: 'Linen Shirt', quantity: 1, unitPrice: 4900 }],
          },
          lastActivityAt: new Date(t0 - 2 * hour).toISOString(),
          abandonedAt: new Date(t0 - hour).toISOString(),
          dueAt: new Date(t0).toISOString(),
        },
      };
    });
    await this.driver.prepare?.(carts, (events) => this.post(events), this.db as TestDatabase);

    // The channel's current pace: median lag from publishing a touch to its request at the provider.
    const lags: number[] = [];
    const measured = new Set<number>();
    const handOffLag = () => {
      const recent = lags.slice(-20).sort((a, b) => a - b);
      return recent[Math.floor(recent.length / 2)] ?? 0;
    };
    const watcher = setInterval(() => {
      for (const c of carts) {
        if (measured.has(c.index) || c.publishedAt === undefined) continue;
        const first = this.driver.arrivals(c)[0];
        if (first === undefined) continue;
        measured.add(c.index);
        lags.push(first - c.publishedAt);
      }
    }, 20);

    const at = (t: number) => new Promise((r) => setTimeout(r, Math.max(0, t - Date.now())));
    const contract = this.driver.channel === 'sms' ? Contracts.touchSms : Contracts.touchPush;
    const start = Date.now() + 1_000;
    try {
      await Promise.all(
        carts.map(async (c) => {
          c.startAt = start + (c.index / o.carts) * o.spreadMs;
          await at(c.startAt - o.beforeMs);
          const window = o.beforeMs + handOffLag() + o.afterHandOffMs;
          c.lead = -o.beforeMs + c.leadShare * window;
          const publish = (async () => {
            await at(c.startAt);
            await this.publisher?.publish(contract, [c.touch]);
            c.publishedAt = Date.now();
          })();
          await at(c.startAt + c.lead);
          const status = await this.post([
            {
              id: `order-${c.cartId}`,
              type: 'order.completed',
              occurredAt: new Date().toISOString(),
              cartId: c.orderCartId,
              customer: c.touch.customer,
              order: { id: `o-${c.cartId}`, total: 4900, currency: 'EUR' },
            },
          ]);
          c.orderAckedAt = Date.now();
          if (status !== 202) throw new Error(`order for ${c.cartId} answered ${status}`);
          await publish;
        }),
      );
    } finally {
      clearInterval(watcher);
    }

    const outcomes = () => {
      const byTouch = new Map<string, { ids: Set<string>; first: string; reports: number }>();
      for (const d of this.deliveries()) {
        const seen = byTouch.get(d.touchId) ?? {
          ids: new Set<string>(),
          first: d.reason ? `${d.status}:${d.reason}` : d.status,
          reports: 0,
        };
        seen.ids.add(d.deliveryId);
        seen.reports++;
        byTouch.set(d.touchId, seen);
      }
      return byTouch;
    };
    await pollUntil(() => carts.every((c) => outcomes().has(c.touch.touchId)), {
      timeoutMs: 60_000,
      intervalMs: 250,
      description: 'an outcome for every touch',
    });

    // Redelivery: a share of the touches once more; each is re-reported, none resent.
    const again = carts.filter(() => Math.random() < o.republishShare).map((c) => c.touch);
    const reportsBefore = this.deliveries().length;
    await this.publisher?.publish(contract, again);
    await pollUntil(() => this.deliveries().length >= reportsBefore + again.length, {
      timeoutMs: 60_000,
      intervalMs: 250,
      description: 'the republished touches re-reported',
    });

    const late: string[] = [];
    const doubleSends: string[] = [];
    let closestMs = Number.POSITIVE_INFINITY;
    for (const c of carts) {
      const times = this.driver.arrivals(c);
      if (times.length > 1) doubleSends.push(`${c.cartId}: ${times.length} requests`);
      for (const t of times) {
        if (c.orderAckedAt !== undefined && t > c.orderAckedAt)
          late.push(`${c.cartId}: request ${t - c.orderAckedAt} ms after the 202`);
        if (c.orderAckedAt !== undefined) closestMs = Math.min(closestMs, c.orderAckedAt - t);
      }
    }
    const final = outcomes();
    return {
      carts,
      late,
      doubleSends,
      notOneOutcome: carts.filter((c) => final.get(c.touch.touchId)?.ids.size !== 1).map((c) => c.touch.touchId),
      outcomes: new Map(carts.map((c) => [c.touch.touchId, final.get(c.touch.touchId)?.first ?? 'none'])),
      republished: again.length,
      reReported: [...final.values()].filter((v) => v.reports > 1).length,
      closestMs,
      medianHandOffLagMs: handOffLag(),
    };
  }
}

/** One line for the log: how the race went. */
export function describeRace(channel: string, r: RaceResult): string {
  const count = (p: (o: string) => boolean) => [...r.outcomes.values()].filter(p).length;
  const raced = r.carts.filter((c) => (c.lead ?? 0) >= 0).length;
  return (
    `\n[race ${channel}] ${r.carts.length} touches: ${count((o) => o === 'sent')} sent, ` +
    `${count((o) => o.startsWith('skipped:suppressed'))} skipped as suppressed, ` +
    `${count((o) => o.startsWith('unknown'))} unknown, ` +
    `${count((o) => o !== 'sent' && !o.startsWith('skipped:suppressed') && !o.startsWith('unknown'))} other; ` +
    `${raced} orders posted after their touch was published; median hand-off lag ${r.medianHandOffLagMs} ms; ` +
    `${r.republished} republished, ${r.reReported} re-reported; ${r.late.length} late requests, ` +
    `${r.doubleSends.length} double sends, ${r.notOneOutcome.length} touches without exactly one outcome; ` +
    `closest request ${r.closestMs} ms before its 202\n`
  );
}
