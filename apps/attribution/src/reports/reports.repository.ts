import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { CohortCart } from './cart-cohort';

export interface Period {
  from: Date;
  to: Date;
}

export interface TouchCount {
  channel: string;
  sequence: number | null;
  angle: string | null;
  sent: number;
  smsSegments: number;
  clicked: number;
  bounced: number;
}

export interface RecoveredTouch {
  channel: string | null;
  sequence: number | null;
  angle: string | null;
  credit: string;
  currency: string;
  revenue: number;
  count: number;
}

/** The reports' reads over the recovery ledger, always scoped to one store. */
@Injectable()
export class ReportsRepository {
  constructor(private readonly db: DataSource) {}

  /**
   * Start of the store's current hold-out epoch as of `to`: the first abandonment after the last
   * one decided under another hold-out share. Undefined when the store has no abandonment yet.
   */
  async epochStart(storeId: string, to: Date): Promise<{ since: Date; holdoutPercent: number | null } | undefined> {
    const rows: Array<{ since: Date | null; holdout_percent: number | null }> = await this.db.query(
      `WITH cur AS (
         SELECT holdout_percent FROM abandonments WHERE store_id = $1 AND abandoned_at < $2
          ORDER BY abandoned_at DESC LIMIT 1),
       changed AS (
         SELECT max(abandoned_at) AS at FROM abandonments
          WHERE store_id = $1 AND abandoned_at < $2
            AND holdout_percent IS DISTINCT FROM (SELECT holdout_percent FROM cur))
       SELECT min(a.abandoned_at) AS since, (SELECT holdout_percent FROM cur) AS holdout_percent
         FROM abandonments a
        WHERE a.store_id = $1 AND a.abandoned_at < $2
          AND a.abandoned_at > coalesce((SELECT at FROM changed), '-infinity'::timestamptz)`,
      [storeId, to],
    );
    const row = rows[0];
    if (!row?.since) return undefined;
    return {
      since: new Date(row.since),
      holdoutPercent: row.holdout_percent,
    };
  }

  /** Carts first abandoned within the range, each with whether it was messaged, clicked and recovered. */
  async cohort(storeId: string, range: Period): Promise<CohortCart[]> {
    const rows: Array<Record<string, unknown>> = await this.db.query(
      `SELECT DISTINCT ON (a.cart_id)
              a.cart_id, a.shopper, a.holdout, a.currency, a.segment, a.device, a.country, a.abandoned_at,
              r.revenue, r.currency AS revenue_currency, r.recovered_at, r.hours_to_recover,
              EXISTS (SELECT 1 FROM deliveries d WHERE d.store_id = a.store_id AND d.cart_id = a.cart_id AND d.status = 'sent') AS messaged,
              EXISTS (SELECT 1 FROM deliveries d WHERE d.store_id = a.store_id AND d.cart_id = a.cart_id AND d.status = 'clicked' AND d.credited) AS clicked
         FROM abandonments a
         LEFT JOIN recoveries r ON r.store_id = a.store_id AND r.cart_id = a.cart_id
        WHERE a.store_id = $1
          AND a.cart_id IN (SELECT cart_id FROM abandonments WHERE store_id = $1 AND abandoned_at >= $2 AND abandoned_at < $3)
        ORDER BY a.cart_id, a.abandoned_at`,
      [storeId, range.from, range.to],
    );
    return rows
      .map((r) => ({
        cartId: r['cart_id'] as string,
        shopper: r['shopper'] as string,
        holdout: r['holdout'] as boolean,
        currency: r['currency'] as string,
        segment: r['segment'] as string,
        device: r['device'] as string | null,
        country: r['country'] as string | null,
        abandonedAt: new Date(r['abandoned_at'] as string),
        messaged: r['messaged'] as boolean,
        clicked: r['clicked'] as boolean,
        recovery:
          r['recovered_at'] === null
            ? null
            : {
                revenue: Number(r['revenue']),
                currency: r['revenue_currency'] as string,
                recoveredAt: new Date(r['recovered_at'] as string),
                hoursToRecover: Number(r['hours_to_recover']),
              },
      }))
      .filter((c) => c.abandonedAt >= range.from && c.abandonedAt < range.to);
  }

  /** Touches in the period by channel, sequence and angle: sent, SMS segments, credited clicks, bounces. */
  async touchCounts(storeId: string, period: Period): Promise<TouchCount[]> {
    const rows: Array<Record<string, unknown>> = await this.db.query(
      `SELECT d.channel, d.sequence,
              (SELECT t->>'angle' FROM abandonments a, jsonb_array_elements(a.plan) t
                WHERE a.store_id = d.store_id AND a.cart_id = d.cart_id AND t->>'touchId' = d.touch_id LIMIT 1) AS angle,
              count(*) FILTER (WHERE d.status = 'sent') AS sent,
              coalesce(sum(coalesce(d.segments, 1)) FILTER (WHERE d.status = 'sent'), 0) AS sms_segments,
              count(DISTINCT d.touch_id) FILTER (WHERE d.status = 'clicked' AND d.credited) AS clicked,
              count(*) FILTER (WHERE d.status = 'bounced' OR (d.status = 'failed' AND d.reason LIKE 'hard_bounce%')) AS bounced
         FROM deliveries d
        WHERE d.store_id = $1 AND d.at >= $2 AND d.at < $3
        GROUP BY 1, 2, 3`,
      [storeId, period.from, period.to],
    );
    return rows.map((r) => ({
      channel: r['channel'] as string,
      sequence: r['sequence'] === null ? null : Number(r['sequence']),
      angle: r['angle'] as string | null,
      sent: Number(r['sent']),
      smsSegments: Number(r['sms_segments']),
      clicked: Number(r['clicked']),
      bounced: Number(r['bounced']),
    }));
  }

  /** Recoveries of carts first abandoned in the period, by the touch they are credited to. */
  async recoveredTouches(storeId: string, period: Period, asOf: Date): Promise<RecoveredTouch[]> {
    const rows: Array<Record<string, unknown>> = await this.db.query(
      `SELECT r.channel, r.sequence, r.angle, r.credit, r.currency, sum(r.revenue) AS revenue, count(*) AS count
         FROM recoveries r
        WHERE r.store_id = $1 AND r.recovered_at <= $4
          AND r.cart_id IN (SELECT cart_id FROM abandonments WHERE store_id = $1
                             GROUP BY cart_id HAVING min(abandoned_at) >= $2 AND min(abandoned_at) < $3)
        GROUP BY 1, 2, 3, 4, 5`,
      [storeId, period.from, period.to, asOf],
    );
    return rows.map((r) => ({
      channel: r['channel'] as string | null,
      sequence: r['sequence'] === null ? null : Number(r['sequence']),
      angle: r['angle'] as string | null,
      credit: r['credit'] as string,
      currency: r['currency'] as string,
      revenue: Number(r['revenue']),
      count: Number(r['count']),
    }));
  }

  /** The store's orders in the period, and what recoveries among them brought, per currency. */
  async orderRevenue(
    storeId: string,
    period: Period,
  ): Promise<Array<{ currency: string; total: number; recovered: number }>> {
    const rows: Array<Record<string, unknown>> = await this.db.query(
      `SELECT o.currency, sum(o.total) AS total,
              coalesce(sum(o.total) FILTER (WHERE EXISTS (
                SELECT 1 FROM recoveries r WHERE r.store_id = o.store_id AND r.order_id = o.order_id)), 0) AS recovered
         FROM orders o WHERE o.store_id = $1 AND o.ordered_at >= $2 AND o.ordered_at < $3
        GROUP BY 1`,
      [storeId, period.from, period.to],
    );
    return rows.map((r) => ({
      currency: r['currency'] as string,
      total: Number(r['total']),
      recovered: Number(r['recovered']),
    }));
  }

  /** Incentive codes issued in the period, and orders in the period that named one (with the discount given). */
  async incentives(
    storeId: string,
    period: Period,
  ): Promise<{ issued: number; redeemed: number; discountGiven: Array<{ currency: string; amount: number }> }> {
    const issuedRows: Array<{ n: string }> = await this.db.query(
      'SELECT count(*) AS n FROM incentive_codes WHERE store_id = $1 AND issued_at >= $2 AND issued_at < $3',
      [storeId, period.from, period.to],
    );
    const issued = issuedRows[0];
    const redeemed: Array<{ currency: string; n: string; amount: string }> = await this.db.query(
      `SELECT o.currency, count(*) AS n, coalesce(sum(o.discount_total), 0) AS amount
         FROM orders o JOIN incentive_codes c ON c.store_id = o.store_id AND c.code = o.discount_code
        WHERE o.store_id = $1 AND o.ordered_at >= $2 AND o.ordered_at < $3
        GROUP BY 1`,
      [storeId, period.from, period.to],
    );
    return {
      issued: Number(issued?.n ?? 0),
      redeemed: redeemed.reduce((sum, r) => sum + Number(r.n), 0),
      discountGiven: redeemed.map((r) => ({ currency: r.currency, amount: Number(r.amount) })),
    };
  }

  /** Suppressions recorded in the period, by reason (complaints, unsubscribes, SMS STOPs, …). */
  async suppressions(storeId: string, period: Period): Promise<Record<string, number>> {
    const rows: Array<{ reason: string; n: string }> = await this.db.query(
      `SELECT reason, count(*) AS n FROM suppression_events WHERE store_id = $1 AND at >= $2 AND at < $3 GROUP BY 1`,
      [storeId, period.from, period.to],
    );
    return Object.fromEntries(rows.map((r) => [r.reason, Number(r.n)]));
  }
}
