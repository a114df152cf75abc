import { Client } from 'pg';
import { SuppressionScopes } from '@reclaim/contracts';
import { log, sleep, spread } from './bench-kit';
import { SYSTEM_KEY, SYSTEM_STORE, type RunningSystem } from './system';

/** The channel services whose suppression view gates every send (libs/suppression), by schema. */
const VIEWS = ['email', 'sms', 'push'] as const;

export interface SuppressionResult {
  orders: number;
  /** From sending the POST to the order's cart scope being in every channel's view. */
  visibleMs: ReturnType<typeof spread>;
  /** From sending the POST to its 202 (the ack guard included). */
  ackMs: ReturnType<typeof spread>;
  /** Ingestion's deliberate wait before answering 202 for an order (INGESTION_ORDER_ACK_GUARD_MS). */
  ackGuardMs: number;
  /** Orders whose scope was in every view before their 202 arrived. */
  visibleBeforeAck: number;
}

/**
 * Suppression visibility through the running system: one `order.completed` at a time is posted to
 * ingestion and the cart's scope is looked up in the `suppressions` table of the email, SMS and
 * push schemas every couple of milliseconds until all three have it.
 */
export async function suppressionBench(
  system: RunningSystem,
  runId: string,
  orders: number,
): Promise<SuppressionResult> {
  const pg = new Client({ connectionString: system.databaseUrl });
  await pg.connect();
  const visibleIn = async (scope: string) => {
    const columns = VIEWS.map((v, i) => `EXISTS (SELECT 1 FROM ${v}.suppressions WHERE scope = $1) AS v${i}`);
    const row = (await pg.query<Record<string, boolean>>(`SELECT ${columns.join(', ')}`, [scope])).rows[0] ?? {};
    return VIEWS.every((_, i) => row[`v${i}`] === true);
  };
  const visible: number[] = [];
  const acked: number[] = [];
  let visibleBeforeAck = 0;
  log(`suppression visibility: ${orders} orders`);
  try {
    // Order -1 warms up (connections, the consumers' first fetches) and is not counted.
    for (let i = -1; i < orders; i++) {
      const cartId = `sv-${runId}-${i}`;
      const scope = SuppressionScopes.cart(SYSTEM_STORE, cartId);
      const start = performance.now();
      let ackAt: number | undefined;
      const post = fetch(`${system.services.ingestion.url}/v1/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${SYSTEM_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          events: [
            {
              id: `${cartId}-order`,
              type: 'order.completed',
              occurredAt: new Date().toISOString(),
              cartId,
              customer: { id: `cust-${cartId}`, email: `buyer-${i}-${runId}@bench.example` },
              order: { id: `o-${cartId}`, total: 4900, currency: 'EUR' },
            },
          ],
        }),
      }).then(async (res) => {
        ackAt = performance.now();
        if (res.status !== 202) throw new Error(`order answered ${res.status}: ${await res.text()}`);
      });
      const deadline = start + 30_000;
      while (!(await visibleIn(scope))) {
        if (performance.now() > deadline) throw new Error(`order ${i}: not in every view after 30 s`);
        await sleep(2);
      }
      const seen = performance.now();
      await post;
      if (i < 0) continue;
      visible.push(seen - start);
      acked.push((ackAt ?? seen) - start);
      if (ackAt !== undefined && seen <= ackAt) visibleBeforeAck++;
    }
  } finally {
    await pg.end();
  }
  return {
    orders,
    visibleMs: spread(visible),
    ackMs: spread(acked),
    ackGuardMs: Number(process.env['INGESTION_ORDER_ACK_GUARD_MS'] ?? 200),
    visibleBeforeAck,
  };
}
