import { z } from 'zod';
import { Channels } from '@reclaim/contracts';

/**
 * The recovery report (GET /v1/reports/recovery), as zod schemas: the TypeScript types come from
 * them, and so does the OpenAPI document's schema (z.toJSONSchema), so the two cannot disagree.
 */

export const Verdicts = ['significant', 'not_yet_significant', 'no_holdout', 'not_enough_data'] as const;
export type Verdict = (typeof Verdicts)[number];

const Interval = z.tuple([z.number(), z.number()]);
const Share = z.number().nullable();

/** Money per currency, in minor units: never summed across currencies. */
export const PerCurrency = z.record(z.string(), z.number()).describe('Minor units per ISO 4217 currency');
export type PerCurrency = z.infer<typeof PerCurrency>;

export const GroupReport = z.object({
  abandoned: z.number().int().describe('Abandoned carts in the group'),
  recovered: z.number().int(),
  rate: z.number().describe('recovered / abandoned (0 when none)'),
  shoppers: z.number().int().describe('Distinct shoppers: the unit the hold-out randomises'),
});
export type GroupReport = z.infer<typeof GroupReport>;

export const LiftReport = z.object({
  since: z.string().describe("Start of the store's current hold-out epoch: lift is cumulative from here to `to`"),
  holdoutPercent: z.number().nullable(),
  treated: GroupReport,
  holdout: GroupReport,
  absolute: z.number().describe('Treated rate minus hold-out rate'),
  relative: z.number().nullable(),
  ci95: Interval.describe('Always-valid 95 % interval on the absolute lift (confidence sequence): the verdict uses it'),
  fixedCi95: Interval.describe('Classical fixed-horizon 95 % interval: valid for one planned look only'),
  method: z.string(),
  verdict: z.enum(Verdicts),
  verdictText: z.string(),
  moreAbandonmentsNeeded: z.number().int().nullable(),
  /** The same lift within each cart currency's carts (a store selling in several currencies). */
  byCurrency: z
    .record(
      z.string(),
      z.object({
        treated: GroupReport,
        holdout: GroupReport,
        absolute: z.number(),
        ci95: Interval,
        fixedCi95: Interval,
        verdict: z.enum(Verdicts),
        verdictText: z.string(),
      }),
    )
    .describe('Lift per cart currency, each with its own always-valid interval'),
});
export type LiftReport = z.infer<typeof LiftReport>;

export const RevenueReport = z.object({
  recovered: z.number().describe('Revenue of recovered carts, both groups'),
  treatedRecovered: z.number(),
  holdoutRecovered: z.number(),
  incremental: z
    .number()
    .describe('(treated revenue per abandoner − hold-out revenue per abandoner) × treated abandoners'),
  perAbandoner: z.object({ treated: z.number(), holdout: z.number() }),
  orderRevenue: z.number().describe("All the store's orders in the period"),
  shareOfOrderRevenue: Share.describe('Share of order revenue in the period that came through recovery'),
});
export type RevenueReport = z.infer<typeof RevenueReport>;

const ChannelAmounts = z.object({ email: z.number(), sms: z.number(), push: z.number() });

export const CostReport = z.object({
  currency: z.string(),
  total: z.number().describe('Minor units of `currency` (fractions possible)'),
  byChannel: ChannelAmounts,
  messages: z.object({ email: z.number().int(), smsSegments: z.number().int(), push: z.number().int() }),
  incrementalRecoveries: z.number().describe('Treated recoveries above what the hold-out rate predicts'),
  perIncrementalRecovery: Share,
  incrementalRevenuePerCost: Share.describe('Incremental revenue in `currency` per unit of cost'),
});
export type CostReport = z.infer<typeof CostReport>;

export const ChannelRow = z.object({
  channel: z.enum(Channels),
  sent: z.number().int(),
  clicked: z.number().int(),
  recovered: z.number().int(),
  revenue: PerCurrency,
  share: Share.describe("This channel's share of all credited recoveries"),
  cost: z.number(),
});
export type ChannelRow = z.infer<typeof ChannelRow>;

export const BreakdownDimensions = ['channel', 'touch', 'segment', 'angle', 'device', 'country'] as const;
export type BreakdownDimension = (typeof BreakdownDimensions)[number];

/**
 * One row of the breakdown. Cart dimensions (segment, device, country) count abandoned carts;
 * touch dimensions (channel, touch, angle) count the touches sent and the recoveries credited to them.
 */
export const BreakdownRow = z.object({
  dimension: z.enum(BreakdownDimensions),
  key: z.string(),
  abandoned: z.number().int().nullable(),
  messaged: z.number().int(),
  clicked: z.number().int(),
  recovered: z.number().int(),
  rate: z.number().nullable(),
  revenue: PerCurrency,
});
export type BreakdownRow = z.infer<typeof BreakdownRow>;

export const DecayBucket = z.object({
  fromHours: z.number().describe('Hours since abandonment (business time), inclusive'),
  toHours: z.number(),
  recovered: z.number().int(),
  cumulativeShare: z.number().describe('Share of all recoveries in the period recovered by `toHours`'),
});
export type DecayBucket = z.infer<typeof DecayBucket>;

export const LiftPoint = z.object({
  at: z.string().describe('When the cumulative estimate was read (end of each day)'),
  absolute: z.number(),
  ci95: Interval,
  fixedCi95: Interval,
  verdict: z.enum(Verdicts),
});
export type LiftPoint = z.infer<typeof LiftPoint>;

export const RecoveryReport = z.object({
  storeId: z.string(),
  from: z.string(),
  to: z.string(),
  generatedAt: z.string(),
  abandoned: z.number().int().describe('Carts first abandoned in the period, both groups'),
  messaged: z.number().int().describe('Of those, carts with a message handed to a provider'),
  clicked: z.number().int().describe('Of those, carts with a credited click'),
  recovered: z.number().int(),
  treated: GroupReport,
  holdout: GroupReport,
  lift: LiftReport,
  revenue: z.record(z.string(), RevenueReport).describe('Per currency'),
  cost: CostReport,
  incentives: z.object({ issued: z.number().int(), redeemed: z.number().int(), discountGiven: PerCurrency }),
  timeToRecover: z.object({ medianHours: z.number().nullable(), buckets: z.array(DecayBucket) }),
  deliverability: z.object({
    sent: z.number().int(),
    bounced: z.number().int(),
    complained: z.number().int(),
    unsubscribed: z.number().int(),
    smsOptOuts: z.number().int(),
    rates: z.object({ bounced: Share, complained: Share, unsubscribed: Share, smsOptOuts: Share }),
  }),
  byChannel: z.array(ChannelRow),
  breakdown: z.array(BreakdownRow),
  liftOverTime: z.array(LiftPoint),
});
export type RecoveryReport = z.infer<typeof RecoveryReport>;
