import type { Channel } from '@reclaim/contracts';
/** The lift verdict (apps/attribution/src/lift). */
export type Verdict = 'significant' | 'not_yet_significant' | 'no_holdout' | 'not_enough_data';

/** Money per currency, in minor units: never summed across currencies. */
export type PerCurrency = Record<string, number>;

export interface GroupReport {
  /** Abandoned carts in the group. */
  abandoned: number;
  recovered: number;
  /** recovered / abandoned (0 when none). */
  rate: number;
  /** Distinct shoppers (the unit the hold-out randomises). */
  shoppers: number;
}

export interface LiftReport {
  /** Lift is measured from the start of the store's current hold-out epoch up to `to`. */
  since: string;
  holdoutPercent: number | null;
  treated: GroupReport;
  holdout: GroupReport;
  absolute: number;
  relative: number | null;
  /** The always-valid 95 % interval on the absolute difference: the verdict uses it. */
  ci95: [number, number];
  /** The classical fixed-horizon 95 % interval, valid for one look only; for comparison. */
  fixedCi95: [number, number];
  method: string;
  verdict: Verdict;
  verdictText: string;
  moreAbandonmentsNeeded: number | null;
}

export interface RevenueReport {
  /** Revenue of recovered carts (treated and hold-out). */
  recovered: number;
  treatedRecovered: number;
  holdoutRecovered: number;
  /** (treated revenue per abandoner − hold-out revenue per abandoner) × treated abandoners. */
  incremental: number;
  perAbandoner: { treated: number; holdout: number };
  /** All the store's orders in the period, and the share that came through recovery. */
  orderRevenue: number;
  shareOfOrderRevenue: number | null;
}

export interface CostReport {
  currency: string;
  /** In minor units of `currency` (fractions possible). */
  total: number;
  byChannel: Record<Channel, number>;
  messages: { email: number; smsSegments: number; push: number };
  /** Treated recoveries above what the hold-out rate predicts. */
  incrementalRecoveries: number;
  perIncrementalRecovery: number | null;
  /** Incremental revenue in `currency` per unit of cost (return on cost). */
  incrementalRevenuePerCost: number | null;
}

export interface ChannelRow {
  channel: Channel;
  sent: number;
  clicked: number;
  recovered: number;
  revenue: PerCurrency;
  /** This channel's share of all credited recoveries. */
  share: number | null;
  cost: number;
}

export const BreakdownDimensions = ['channel', 'touch', 'segment', 'angle', 'device', 'country'] as const;
export type BreakdownDimension = (typeof BreakdownDimensions)[number];

/**
 * One row of the breakdown. Cart dimensions (segment, device, country) count abandoned carts;
 * touch dimensions (channel, touch, angle) count the touches sent and the recoveries credited to them.
 */
export interface BreakdownRow {
  dimension: BreakdownDimension;
  key: string;
  abandoned: number | null;
  messaged: number;
  clicked: number;
  recovered: number;
  rate: number | null;
  revenue: PerCurrency;
}

export interface DecayBucket {
  /** Hours since abandonment (business time): [fromHours, toHours). */
  fromHours: number;
  toHours: number;
  recovered: number;
  /** Share of all recoveries in the period recovered by `toHours`. */
  cumulativeShare: number;
}

export interface LiftPoint {
  /** End of the day (UTC) the cumulative estimate was read at. */
  at: string;
  absolute: number;
  ci95: [number, number];
  fixedCi95: [number, number];
  verdict: Verdict;
}

export interface RecoveryReport {
  storeId: string;
  from: string;
  to: string;
  generatedAt: string;
  /** Abandoned carts in the period (both groups). */
  abandoned: number;
  /** Treated carts that got at least one message handed to a provider. */
  messaged: number;
  /** Carts with at least one credited click. */
  clicked: number;
  recovered: number;
  treated: GroupReport;
  holdout: GroupReport;
  lift: LiftReport;
  revenue: Record<string, RevenueReport>;
  cost: CostReport;
  incentives: { issued: number; redeemed: number; discountGiven: PerCurrency };
  timeToRecover: { medianHours: number | null; buckets: DecayBucket[] };
  deliverability: {
    sent: number;
    bounced: number;
    complained: number;
    unsubscribed: number;
    smsOptOuts: number;
    rates: {
      bounced: number | null;
      complained: number | null;
      unsubscribed: number | null;
      smsOptOuts: number | null;
    };
  };
  byChannel: ChannelRow[];
  breakdown: BreakdownRow[];
  liftOverTime: LiftPoint[];
}
