import { postEvents } from '@reclaim/testing';
import { log, runPool, spread, waitUntil } from './bench-kit';
import { SYSTEM_KEY, type RunningSystem } from './system';

export interface FirstTouchResult {
  carts: number;
  /** How long posting every cart's event took (the carts abandon an idle window after the first). */
  postSeconds: number;
  /** First to last abandonment of the round (the sweep's moments). */
  abandonSpreadMs: number;
  /** Carts whose first touch was handed to SMTP; the others got another outcome or none in time. */
  handedOff: number;
  otherOutcomes: Record<string, number>;
  missing: number;
  /** Hand-off (delivery `handoffAt`) minus the touch's planned moment (`dueAt`, or `deferred.plannedAt`). */
  latenessMs: ReturnType<typeof spread>;
}

/**
 * N carts abandoning at once through all seven services: one `cart.updated` per cart, every one
 * with the same last-activity moment, posted to ingestion; segmentation abandons them together an
 * idle window later, the scheduler plans the email for 1 h after (both business time, scaled) and
 * lets it go at its due moment, and the email service hands it to SMTP. Lateness is each cart's
 * hand-off minus its planned moment.
 */
export async function firstTouchBench(
  system: RunningSystem,
  runId: string,
  round: string,
  carts: number,
): Promise<FirstTouchResult> {
  const ids = Array.from({ length: carts }, (_, i) => `ft-${runId}-${round}-${i}`);
  const lastActivity = new Date().toISOString();
  const events = ids.map((cartId, i) => ({
    id: `${cartId}-e1`,
    type: 'cart.updated',
    occurredAt: lastActivity,
    cartId,
    customer: {
      id: `cust-${cartId}`,
      email: `shopper-${round}-${i}-${runId}@bench.example`,
      firstName: 'Ann',
      ordersCount: 0,
    },
    cart: { currency: 'EUR', items: [{ sku: 'LS-1', title: 'Linen Shirt', quantity: 1, unitPrice: 4900 }] },
  }));
  log(`first touch: ${carts} carts abandoning at once`);
  const postStart = Date.now();
  // Batches of 500 (the most one request takes), so that posting ends well inside the idle window.
  await runPool(Math.ceil(carts / 500), 4, async (b) => {
    const { status, body } = await postEvents(
      system.services.ingestion.url,
      SYSTEM_KEY,
      events.slice(b * 500, (b + 1) * 500),
    );
    if (status !== 202) throw new Error(`POST /v1/events answered ${status}: ${JSON.stringify(body)}`);
  });
  const postSeconds = (Date.now() - postStart) / 1000;

  const { firstTouchByCart, outcomeByTouch, abandonedAtByCart } = system.observed;
  const outcomeOf = (cartId: string) => {
    const touch = firstTouchByCart.get(cartId);
    return touch && outcomeByTouch.get(touch.touchId);
  };
  // Idle window and 1 h offset are scaled; allow them plus generous room for a slow hand-off.
  const plannedMs = 1.5 * 3_600_000 * system.timeScale;
  await waitUntil(() => ids.every((id) => outcomeOf(id) !== undefined), plannedMs + 120_000 + carts * 100, 50);

  const lateness: number[] = [];
  const otherOutcomes: Record<string, number> = {};
  let missing = 0;
  for (const id of ids) {
    const touch = firstTouchByCart.get(id);
    const outcome = outcomeOf(id);
    if (!touch || !outcome) missing++;
    else if (outcome.status === 'sent' && outcome.handoffAt !== undefined)
      lateness.push(outcome.handoffAt - touch.plannedAt);
    else otherOutcomes[outcome.status] = (otherOutcomes[outcome.status] ?? 0) + 1;
  }
  const abandoned = ids.flatMap((id) => abandonedAtByCart.get(id) ?? []);
  return {
    carts,
    postSeconds,
    abandonSpreadMs: abandoned.length ? Math.max(...abandoned) - Math.min(...abandoned) : NaN,
    handedOff: lateness.length,
    otherOutcomes,
    missing,
    latenessMs: spread(lateness),
  };
}
