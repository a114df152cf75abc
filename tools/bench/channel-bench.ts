import { touchContractFor, Topics, type Channel, type TouchDue } from '@reclaim/contracts';
import { buildMessage, type Kafka } from '@reclaim/kafka';
import { benchDatabase, log, outcomesByTouch, observe, spread, startService, waitUntil } from './bench-kit';

/** What one channel's benchmark needs besides the service: its local provider and its touches. */
export interface ChannelRig {
  channel: Channel;
  /** The service's settings that point it at the local provider. */
  env: Record<string, string>;
  /** Built entry point other than dist/apps/<channel>/src/main.js (see push-bench-main.ts). */
  script?: string;
  /** How many messages the provider has taken so far. */
  handedOff(): number;
  /** Runs once the service is up, before the warm-up (e.g. the carts' push subscriptions). */
  prepare?(ctx: { kafka: Kafka; prefix: string; databaseUrl: string; touches: number }): Promise<void>;
  /** The i-th due touch (i = -1: the warm-up touch). */
  touch(i: number): TouchDue;
  stop(): Promise<void>;
}

export interface ChannelResult {
  channel: Channel;
  touches: number;
  seconds: number;
  perSec: number;
  /** Outcomes by status on reclaim.deliveries.v1 (first outcome per touch). */
  outcomes: Record<string, number>;
  unanswered: number;
  /** Touches reported `sent`, and messages the provider took: equal when nothing went twice. */
  sent: number;
  handedOff: number;
  timeToOutcomeMs: ReturnType<typeof spread>;
}

/**
 * Hand-offs per second through one instance of a channel service: `total` due touches published
 * at once on its touch topic; each goes through the send ledger, the suppression barrier,
 * rendering and the provider hand-off, and is reported on reclaim.deliveries.v1. Measured from
 * publishing to the last outcome; time to outcome per touch from the same start.
 */
export async function channelBench(
  kafka: Kafka,
  prefix: string,
  runId: string,
  rig: ChannelRig,
  total: number,
): Promise<ChannelResult> {
  const db = await benchDatabase(`reclaim_bench_${runId}_${rig.channel}`);
  const outcomes = outcomesByTouch();
  const observer = await observe(kafka, prefix, [Topics.deliveries.name], outcomes.onRecord);
  const producer = kafka.producer({ idempotent: true });
  await producer.connect();
  const contract = touchContractFor[rig.channel];
  const send = async (touches: TouchDue[]) => {
    const messages = touches.map((t) => buildMessage(contract, t, { source: '/bench', topicPrefix: prefix }));
    for (let i = 0; i < messages.length; i += 500) {
      const slice = messages.slice(i, i + 500);
      await producer.send({
        topic: slice[0]?.topic ?? '',
        acks: -1,
        messages: slice.map(({ key, value, headers }) => ({ key, value, headers })),
      });
    }
  };
  try {
    const service = await startService(
      rig.channel,
      {
        KAFKA_TOPIC_PREFIX: prefix,
        DATABASE_URL: db.url,
        ...rig.env,
      },
      rig.script ? { script: rig.script } : {},
    );
    try {
      await rig.prepare?.({ kafka, prefix, databaseUrl: db.url, touches: total });
      // Warm-up: the consumer group has joined and the first provider connection is made before the clock starts.
      const warmUp = rig.touch(-1);
      await send([warmUp]);
      if (!(await waitUntil(() => outcomes.get(warmUp.touchId) !== undefined, 90_000)))
        throw new Error(`${rig.channel}: the warm-up touch got no outcome within 90 s`);
      const before = rig.handedOff();

      log(`${rig.channel}: ${total} due touches at once`);
      const touches = Array.from({ length: total }, (_, i) => rig.touch(i));
      const start = Date.now();
      await send(touches);
      await waitUntil(() => touches.every((t) => outcomes.get(t.touchId) !== undefined), 10 * 60_000, 20);
      const answered = touches.flatMap((t) => {
        const o = outcomes.get(t.touchId);
        return o ? [o] : [];
      });
      const last = Math.max(start, ...answered.map((o) => o.seenAt));
      const byStatus: Record<string, number> = {};
      for (const o of answered) byStatus[o.status] = (byStatus[o.status] ?? 0) + 1;
      const seconds = (last - start) / 1000;
      return {
        channel: rig.channel,
        touches: total,
        seconds,
        perSec: answered.length / seconds,
        outcomes: byStatus,
        unanswered: total - answered.length,
        sent: byStatus['sent'] ?? 0,
        handedOff: rig.handedOff() - before,
        timeToOutcomeMs: spread(answered.map((o) => o.seenAt - start)),
      };
    } finally {
      await service.stop();
    }
  } finally {
    await Promise.allSettled([producer.disconnect(), observer.stop(), rig.stop()]);
    await db.drop();
  }
}

/** The cart every benchmark touch carries. */
export const BENCH_CART = {
  currency: 'EUR',
  value: 9800,
  items: [{ sku: 'LS-1', title: 'Linen Shirt', quantity: 2, unitPrice: 4900 }],
};

/** A due touch on `channel` for benchmark shopper `i` (fields the channel needs come in `customer`). */
export function benchTouch(
  channel: Channel,
  i: number,
  runId: string,
  template: string,
  customer: TouchDue['customer'],
): TouchDue {
  const id = `${runId}-${channel}-${i}`;
  return {
    touchId: `touch-${id}`,
    abandonmentId: `ab-${id}`,
    storeId: 'bench',
    cartId: `cart-${id}`,
    channel,
    sequence: 1,
    template,
    incentive: 'none',
    segment: 'first_time',
    customer,
    cart: BENCH_CART,
    abandonedAt: new Date(Date.now() - 3_600_000).toISOString(),
    dueAt: new Date().toISOString(),
  };
}
