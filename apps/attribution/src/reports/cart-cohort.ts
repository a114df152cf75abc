import type { GroupSums } from '../lift/lift';
import type { BreakdownRow, DecayBucket, GroupReport, PerCurrency } from './recovery-report';

/** One abandoned cart as the reports see it (its first abandonment in the range read). */
export interface CohortCart {
  cartId: string;
  shopper: string;
  holdout: boolean;
  currency: string;
  segment: string;
  device: string | null;
  country: string | null;
  abandonedAt: Date;
  messaged: boolean;
  clicked: boolean;
  recovery: null | {
    revenue: number;
    currency: string;
    recoveredAt: Date;
    hoursToRecover: number;
  };
}

/** A cart counts as recovered at `asOf` when its recovery was decided for an order placed by then. */
const recoveredBy = (c: CohortCart, asOf: Date): boolean => c.recovery !== null && c.recovery.recoveredAt <= asOf;

/**
 * The sums the lift statistics need for one group: per shopper (the unit the hold-out randomises)
 * its abandoned carts n and recovered carts r, summed as Σn, Σr, Σn², Σr², Σnr.
 */
export function groupSums(carts: ReadonlyArray<CohortCart>, holdout: boolean, asOf: Date): GroupSums {
  const perShopper = new Map<string, { n: number; r: number }>();
  for (const c of carts) {
    if (c.holdout !== holdout) continue;
    const s = perShopper.get(c.shopper) ?? { n: 0, r: 0 };
    s.n += 1;
    if (recoveredBy(c, asOf)) s.r += 1;
    perShopper.set(c.shopper, s);
  }
  const sums: GroupSums = {
    shoppers: perShopper.size,
    carts: 0,
    recovered: 0,
    sumCartsSq: 0,
    sumRecoveredSq: 0,
    sumCartsRecovered: 0,
  };
  for (const { n, r } of perShopper.values()) {
    sums.carts += n;
    sums.recovered += r;
    sums.sumCartsSq += n * n;
    sums.sumRecoveredSq += r * r;
    sums.sumCartsRecovered += n * r;
  }
  return sums;
}

export function groupReport(sums: GroupSums): GroupReport {
  return {
    abandoned: sums.carts,
    recovered: sums.recovered,
    rate: sums.carts === 0 ? 0 : sums.recovered / sums.carts,
    shoppers: sums.shoppers,
  };
}

export function addTo(target: PerCurrency, currency: string, amount: number): void {
  target[currency] = (target[currency] ?? 0) + amount;
}

/** Rows for a cart dimension (segment, device, country): abandoned, messaged, clicked, recovered, rate, revenue. */
export function cartBreakdown(
  carts: ReadonlyArray<CohortCart>,
  dimension: 'segment' | 'device' | 'country',
  asOf: Date,
): BreakdownRow[] {
  const rows = new Map<string, BreakdownRow>();
  for (const c of carts) {
    const key = c[dimension] ?? 'unknown';
    const row = rows.get(key) ?? {
      dimension,
      key,
      abandoned: 0,
      messaged: 0,
      clicked: 0,
      recovered: 0,
      rate: 0,
      revenue: {},
    };
    row.abandoned = (row.abandoned ?? 0) + 1;
    if (c.messaged) row.messaged += 1;
    if (c.clicked) row.clicked += 1;
    if (c.recovery && recoveredBy(c, asOf)) {
      row.recovered += 1;
      addTo(row.revenue, c.recovery.currency, c.recovery.revenue);
    }
    rows.set(key, row);
  }
  return [...rows.values()]
    .map((r) => ({ ...r, rate: r.abandoned ? r.recovered / r.abandoned : 0 }))
    .sort((a, b) => (b.abandoned ?? 0) - (a.abandoned ?? 0) || a.key.localeCompare(b.key));
}

/** Hours since abandonment (business time) the decay curve is drawn over. */
export const DECAY_EDGES = [0, 1, 2, 4, 8, 12, 24, 48, 72, 120, 168];

/** Recoveries by hours since abandonment, with the cumulative share recovered by each bucket's end. */
export function decayCurve(hours: ReadonlyArray<number>): { medianHours: number | null; buckets: DecayBucket[] } {
  const sorted = [...hours].sort((a, b) => a - b);
  const edges = [...DECAY_EDGES, Infinity];
  const buckets: DecayBucket[] = [];
  let seen = 0;
  for (const [i, from] of edges.slice(0, -1).entries()) {
    const to = edges[i + 1] ?? Infinity;
    const recovered = sorted.filter((h) => h >= from && h < to).length;
    seen += recovered;
    if (to === Infinity && recovered === 0) continue;
    buckets.push({
      fromHours: from,
      toHours: to === Infinity ? Math.ceil(sorted[sorted.length - 1] ?? from) : to,
      recovered,
      cumulativeShare: sorted.length ? seen / sorted.length : 0,
    });
  }
  const mid = Math.floor(sorted.length / 2);
  const at = (i: number): number => sorted[i] ?? 0;
  const medianHours = sorted.length === 0 ? null : sorted.length % 2 ? at(mid) : (at(mid - 1) + at(mid)) / 2;
  return { medianHours, buckets };
}
