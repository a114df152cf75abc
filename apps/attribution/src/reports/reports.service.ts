import { Injectable } from '@nestjs/common';
import { Channels, type Channel } from '@reclaim/contracts';
import { DAY_MS } from '@reclaim/core';
import { lift, type GroupSums } from '../lift/lift';
import { StoreSettingsBook } from '../settings/store-settings';
import { addTo, cartBreakdown, decayCurve, groupReport, groupSums, type CohortCart } from './cart-cohort';
import type {
  BreakdownRow,
  ChannelRow,
  CostReport,
  LiftPoint,
  LiftReport,
  PerCurrency,
  RecoveryReport,
  RevenueReport,
} from './recovery-report';
import { ReportsRepository, type Period, type RecoveredTouch, type TouchCount } from './reports.repository';

/** Lift over time is read at most this many times (daily, or every few days over long epochs). */
const MAX_LIFT_POINTS = 90;

const ratio = (a: number, b: number): number | null => (b > 0 ? a / b : null);

/**
 * The recovery report of one store for one period: counts, rates and revenue of carts first
 * abandoned in the period; lift, always-valid, since the store's current hold-out epoch; cost and
 * return; breakdowns; deliverability. Money is kept per currency and never summed across them.
 */
@Injectable()
export class ReportsService {
  constructor(
    private readonly reports: ReportsRepository,
    private readonly settings: StoreSettingsBook,
  ) {}

  async recovery(storeId: string, period: Period, now = new Date()): Promise<RecoveryReport> {
    const asOf = period.to < now ? period.to : now;
    // One read of the carts for both the period and the lift's epoch (which may start before or after it).
    const epoch = await this.reports.epochStart(storeId, period.to);
    const since = epoch?.since ?? period.from;
    const carts = await this.reports.cohort(storeId, {
      from: since < period.from ? since : period.from,
      to: period.to,
    });
    const cohort = carts.filter((c) => c.abandonedAt >= period.from);
    const treatedSums = groupSums(cohort, false, asOf);
    const holdoutSums = groupSums(cohort, true, asOf);
    const [liftReport, liftOverTime] = this.lift(
      carts.filter((c) => c.abandonedAt >= since),
      since,
      epoch?.holdoutPercent ?? null,
      asOf,
    );
    const touches = await this.reports.touchCounts(storeId, period);
    const recovered = await this.reports.recoveredTouches(storeId, period, asOf);
    const revenue = await this.revenue(storeId, period, cohort, asOf);
    const cost = this.cost(storeId, touches, treatedSums, holdoutSums, revenue);
    const incentives = await this.reports.incentives(storeId, period);
    const suppressions = await this.reports.suppressions(storeId, period);
    const recoveryHours = cohort.flatMap((c) =>
      c.recovery && c.recovery.recoveredAt <= asOf ? [c.recovery.hoursToRecover] : [],
    );
    const sent = touches.reduce((n, t) => n + t.sent, 0);
    const smsSent = touches.filter((t) => t.channel === 'sms').reduce((n, t) => n + t.sent, 0);
    const deliverability = {
      sent,
      bounced: touches.reduce((n, t) => n + t.bounced, 0),
      complained: suppressions['complaint'] ?? 0,
      unsubscribed: suppressions['unsubscribed'] ?? 0,
      smsOptOuts: suppressions['sms_stop'] ?? 0,
    };
    const byChannel = this.byChannel(touches, recovered, cost);
    return {
      storeId,
      from: period.from.toISOString(),
      to: period.to.toISOString(),
      generatedAt: now.toISOString(),
      abandoned: cohort.length,
      messaged: cohort.filter((c) => c.messaged).length,
      clicked: cohort.filter((c) => c.clicked).length,
      recovered: recoveryHours.length,
      treated: groupReport(treatedSums),
      holdout: groupReport(holdoutSums),
      lift: liftReport,
      revenue,
      cost,
      incentives: {
        issued: incentives.issued,
        redeemed: incentives.redeemed,
        discountGiven: Object.fromEntries(incentives.discountGiven.map((d) => [d.currency, d.amount])),
      },
      timeToRecover: decayCurve(recoveryHours),
      deliverability: {
        ...deliverability,
        rates: {
          bounced: ratio(deliverability.bounced, sent),
          complained: ratio(deliverability.complained, sent),
          unsubscribed: ratio(deliverability.unsubscribed, sent),
          smsOptOuts: ratio(deliverability.smsOptOuts, smsSent),
        },
      },
      byChannel,
      breakdown: [
        ...byChannel.map((c): BreakdownRow => ({
          dimension: 'channel',
          key: c.channel,
          abandoned: null,
          messaged: c.sent,
          clicked: c.clicked,
          recovered: c.recovered,
          rate: null,
          revenue: c.revenue,
        })),
        ...this.touchBreakdown(touches, recovered, 'touch'),
        ...cartBreakdown(cohort, 'segment', asOf),
        ...this.touchBreakdown(touches, recovered, 'angle'),
        ...cartBreakdown(cohort, 'device', asOf),
        ...cartBreakdown(cohort, 'country', asOf),
      ],
      liftOverTime,
    };
  }

  /**
   * Lift, cumulative since the epoch start (the always-valid interval is valid at every daily read
   * from there), and its path: one cumulative read per day up to `asOf`.
   */
  private lift(
    carts: ReadonlyArray<CohortCart>,
    since: Date,
    holdoutPercent: number | null,
    asOf: Date,
  ): [LiftReport, LiftPoint[]] {
    const sums = (at: Date, group: boolean): GroupSums =>
      groupSums(
        carts.filter((c) => c.abandonedAt <= at),
        group,
        at,
      );
    const treated = sums(asOf, false);
    const holdout = sums(asOf, true);
    const result = lift(treated, holdout);
    const report: LiftReport = {
      since: since.toISOString(),
      holdoutPercent,
      treated: groupReport(treated),
      holdout: groupReport(holdout),
      absolute: result.absolute,
      relative: result.relative,
      ci95: result.ci95,
      fixedCi95: result.fixedCi95,
      method: result.method,
      verdict: result.verdict,
      verdictText: result.verdictText,
      moreAbandonmentsNeeded: result.moreAbandonmentsNeeded,
      byCurrency: {},
    };
    for (const currency of [...new Set(carts.map((c) => c.currency))].sort()) {
      const inCurrency = carts.filter((c) => c.currency === currency && c.abandonedAt <= asOf);
      const t = groupSums(inCurrency, false, asOf);
      const h = groupSums(inCurrency, true, asOf);
      const r = lift(t, h);
      report.byCurrency[currency] = {
        treated: groupReport(t),
        holdout: groupReport(h),
        absolute: r.absolute,
        ci95: r.ci95,
        fixedCi95: r.fixedCi95,
        verdict: r.verdict,
        verdictText: r.verdictText,
      };
    }
    const points: LiftPoint[] = [];
    const days = Math.max(1, Math.ceil((asOf.getTime() - since.getTime()) / DAY_MS));
    const step = Math.ceil(days / MAX_LIFT_POINTS);
    for (let day = step; day < days + step; day += step) {
      const at = new Date(Math.min(asOf.getTime(), since.getTime() + day * DAY_MS));
      const point = lift(sums(at, false), sums(at, true));
      points.push({
        at: at.toISOString(),
        absolute: point.absolute,
        ci95: point.ci95,
        fixedCi95: point.fixedCi95,
        verdict: point.verdict,
      });
    }
    return [report, points];
  }

  private async revenue(
    storeId: string,
    period: Period,
    cohort: ReadonlyArray<CohortCart>,
    asOf: Date,
  ): Promise<Record<string, RevenueReport>> {
    const abandoned = { treated: {} as PerCurrency, holdout: {} as PerCurrency };
    const recovered = { treated: {} as PerCurrency, holdout: {} as PerCurrency };
    for (const c of cohort) {
      const group = c.holdout ? 'holdout' : 'treated';
      addTo(abandoned[group], c.currency, 1);
      if (c.recovery && c.recovery.recoveredAt <= asOf)
        addTo(recovered[group], c.recovery.currency, c.recovery.revenue);
    }
    const orders = await this.reports.orderRevenue(storeId, period);
    const currencies = new Set([
      ...Object.keys(abandoned.treated),
      ...Object.keys(abandoned.holdout),
      ...Object.keys(recovered.treated),
      ...Object.keys(recovered.holdout),
      ...orders.map((o) => o.currency),
    ]);
    const out: Record<string, RevenueReport> = {};
    for (const currency of [...currencies].sort()) {
      const tAb = abandoned.treated[currency] ?? 0;
      const hAb = abandoned.holdout[currency] ?? 0;
      const tRev = recovered.treated[currency] ?? 0;
      const hRev = recovered.holdout[currency] ?? 0;
      const perTreated = tAb > 0 ? tRev / tAb : 0;
      const perHoldout = hAb > 0 ? hRev / hAb : 0;
      const orderTotal = orders.find((o) => o.currency === currency);
      out[currency] = {
        recovered: tRev + hRev,
        treatedRecovered: tRev,
        holdoutRecovered: hRev,
        // Without a hold-out there is no baseline: nothing is claimed as incremental.
        incremental: hAb > 0 ? Math.round((perTreated - perHoldout) * tAb) : 0,
        perAbandoner: { treated: perTreated, holdout: perHoldout },
        orderRevenue: orderTotal?.total ?? 0,
        shareOfOrderRevenue: orderTotal ? ratio(orderTotal.recovered, orderTotal.total) : null,
      };
    }
    return out;
  }

  private cost(
    storeId: string,
    touches: ReadonlyArray<TouchCount>,
    treated: GroupSums,
    holdout: GroupSums,
    revenue: Record<string, RevenueReport>,
  ): CostReport {
    const prices = this.settings.forStore(storeId).costs;
    const messages = { email: 0, smsSegments: 0, push: 0 };
    for (const t of touches) {
      if (t.channel === 'email') messages.email += t.sent;
      if (t.channel === 'sms') messages.smsSegments += t.smsSegments;
      if (t.channel === 'push') messages.push += t.sent;
    }
    const byChannel: Record<Channel, number> = {
      email: messages.email * prices.email,
      sms: messages.smsSegments * prices.smsSegment,
      push: messages.push * prices.push,
    };
    const total = byChannel.email + byChannel.sms + byChannel.push;
    const incrementalRecoveries =
      treated.carts > 0 && holdout.carts > 0
        ? (treated.recovered / treated.carts - holdout.recovered / holdout.carts) * treated.carts
        : 0;
    const incrementalRevenue = revenue[prices.currency]?.incremental ?? 0;
    return {
      currency: prices.currency,
      total,
      byChannel,
      messages,
      incrementalRecoveries,
      perIncrementalRecovery: total > 0 && incrementalRecoveries > 0 ? total / incrementalRecoveries : null,
      incrementalRevenuePerCost: total > 0 ? incrementalRevenue / total : null,
    };
  }

  private byChannel(
    touches: ReadonlyArray<TouchCount>,
    recovered: ReadonlyArray<RecoveredTouch>,
    cost: CostReport,
  ): ChannelRow[] {
    const credited = recovered.filter((r) => r.channel !== null).reduce((n, r) => n + r.count, 0);
    return Channels.map((channel) => {
      const mine = recovered.filter((r) => r.channel === channel);
      const revenue: PerCurrency = {};
      for (const r of mine) addTo(revenue, r.currency, r.revenue);
      const count = mine.reduce((n, r) => n + r.count, 0);
      const ts = touches.filter((t) => t.channel === channel);
      return {
        channel,
        sent: ts.reduce((n, t) => n + t.sent, 0),
        clicked: ts.reduce((n, t) => n + t.clicked, 0),
        recovered: count,
        revenue,
        share: ratio(count, credited),
        cost: cost.byChannel[channel],
      };
    });
  }

  /** Rows per touch (channel and sequence) or per angle: sent, credited clicks, recoveries credited. */
  private touchBreakdown(
    touches: ReadonlyArray<TouchCount>,
    recovered: ReadonlyArray<RecoveredTouch>,
    dimension: 'touch' | 'angle',
  ): BreakdownRow[] {
    const keyOf = (t: { channel: string | null; sequence: number | null; angle: string | null }): string =>
      dimension === 'touch' ? `${t.channel} ${t.sequence ?? '?'}` : (t.angle ?? 'none');
    const rows = new Map<string, BreakdownRow>();
    const row = (key: string): BreakdownRow => {
      const existing = rows.get(key);
      if (existing) return existing;
      const created: BreakdownRow = {
        dimension,
        key,
        abandoned: null,
        messaged: 0,
        clicked: 0,
        recovered: 0,
        rate: null,
        revenue: {},
      };
      rows.set(key, created);
      return created;
    };
    for (const t of touches) {
      const r = row(keyOf(t));
      r.messaged += t.sent;
      r.clicked += t.clicked;
    }
    for (const rec of recovered) {
      if (rec.channel === null) continue;
      const r = row(keyOf(rec));
      r.recovered += rec.count;
      addTo(r.revenue, rec.currency, rec.revenue);
    }
    return [...rows.values()].sort((a, b) => a.key.localeCompare(b.key));
  }
}
