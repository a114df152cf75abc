import {
  DeliveryFacts,
  deliveryText,
  IncentiveFacts,
  incentiveText,
  KIND_RANK,
  RecoveryFacts,
  recoveryText,
  type OrderRef,
  type TimelineEntry,
} from './entries';
import { touchLabel } from './words';

/** A stored entry as read back: its row id breaks ties of time and kind stably. */
export interface ReadEntry extends TimelineEntry {
  id: string;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const int = (v: unknown): number | undefined => (typeof v === 'number' && Number.isInteger(v) ? v : undefined);

/** Every touch the timeline names, as `email 2`: from the plan, the due touches and the deliveries. */
function touchLabels(entries: ReadonlyArray<ReadEntry>): Map<string, string> {
  const labels = new Map<string, string>();
  const add = (touchId: unknown, channel: unknown, sequence: unknown) => {
    const id = str(touchId);
    const ch = str(channel);
    const seq = int(sequence);
    if (id && ch && seq !== undefined && !labels.has(id)) labels.set(id, touchLabel(ch, seq));
  };
  for (const e of entries) {
    if (e.kind === 'decision' && Array.isArray(e.detail['plan'])) {
      for (const t of e.detail['plan'] as Array<Record<string, unknown>>)
        add(t['touchId'], t['channel'], t['sequence']);
    } else if (e.kind === 'touch' || e.kind === 'delivery' || e.kind === 'click') {
      add(e.detail['touchId'], e.detail['channel'], e.detail['sequence']);
    }
  }
  return labels;
}

/** The cart's order (its first, should a store send two). */
function orderOf(entries: ReadonlyArray<ReadEntry>): OrderRef | undefined {
  const order = entries.find((e) => e.kind === 'order');
  const orderId = str(order?.detail['orderId']);
  const acknowledgedAt = str(order?.detail['acknowledgedAt']);
  return orderId && acknowledgedAt ? { orderId, acknowledgedAt: new Date(acknowledgedAt) } : undefined;
}

/**
 * The timeline as support reads it: in time order (ties: the kind's causal rank, then the order
 * stored), with the texts that join two records completed from the other one — a cancellation
 * names the order that caused it, an incentive the touch it came with, a delivery or a recovery
 * without its sequence the touch's number. Entries were written in whatever order the topics
 * delivered them, so these joins happen here, not when storing.
 */
export function explainTimeline(entries: ReadonlyArray<ReadEntry>): ReadEntry[] {
  const labels = touchLabels(entries);
  const order = orderOf(entries);
  const explained = entries.map((e): ReadEntry => {
    const touchId = str(e.detail['touchId']) ?? str(e.detail['attributedTouchId']);
    const label = touchId ? labels.get(touchId) : undefined;
    if (e.kind === 'delivery' || e.kind === 'click') {
      const facts = DeliveryFacts.safeParse(e.detail);
      if (!facts.success) return e;
      const ownLabel = facts.data.sequence === undefined ? label : undefined;
      return {
        ...e,
        text: deliveryText(facts.data, { ...(ownLabel && { label: ownLabel }), ...(order && { order }) }),
      };
    }
    if (e.kind === 'incentive') {
      const facts = IncentiveFacts.safeParse(e.detail);
      return facts.success ? { ...e, text: incentiveText(facts.data, label) } : e;
    }
    if (e.kind === 'recovery') {
      const facts = RecoveryFacts.safeParse(e.detail);
      if (!facts.success) return e;
      const ownLabel = facts.data.attributedSequence === undefined ? label : undefined;
      return { ...e, text: recoveryText(facts.data, ownLabel) };
    }
    return e;
  });
  return explained.sort(
    (a, b) => a.at.getTime() - b.at.getTime() || KIND_RANK[a.kind] - KIND_RANK[b.kind] || compareIds(a.id, b.id),
  );
}

/** Row ids are bigserial numbers read as strings: compared as numbers. */
function compareIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}
