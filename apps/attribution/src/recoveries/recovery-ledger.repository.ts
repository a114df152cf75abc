import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type {
  Abandonment,
  Delivery,
  IncentiveIssued,
  Recovery,
  StorefrontEventRecord,
  Suppression,
} from '@reclaim/contracts';
import { storableText } from '@reclaim/persistence';
import { emailKey, shopperOf } from './shopper';

/** An order as the ledger keeps it. */
export interface OrderRow {
  storeId: string;
  orderId: string;
  cartId: string;
  customerId: string | null;
  email: string | null;
  total: number;
  currency: string;
  discountCode: string | null;
  orderedAt: Date;
}

/** An abandonment that an order may recover. */
export interface AbandonmentRow {
  abandonmentId: string;
  cartId: string;
  holdout: boolean;
  segment: string;
  abandonedAt: Date;
}

/** The touch a recovery is credited to. */
export interface CreditedTouch {
  credit: 'clicked' | 'delivered';
  touchId: string;
  channel: string;
  sequence: number | null;
}

/** The windows that bound a decision, already scaled to real milliseconds. */
export interface DecisionWindows {
  attributionMs: number;
  clickMs: number;
  viewMs: number;
}

/**
 * The recovery ledger's tables (migration 1765000000000): abandonments, deliveries, incentive
 * codes, orders, suppression events and the recoveries decided from them. Writes are keyed by
 * what makes a record unique, so redelivery changes nothing.
 */
@Injectable()
export class RecoveryLedgerRepository {
  constructor(readonly db: DataSource) {}

  /** The database's clock (orders' received_at is on it). */
  async databaseNow(): Promise<Date> {
    const rows: Array<{ now: Date }> = await this.db.query('SELECT clock_timestamp() AS now');
    return new Date(rows[0]?.now ?? Date.now());
  }

  async saveAbandonment(a: Abandonment): Promise<void> {
    await this.db.query(
      `INSERT INTO abandonments (store_id, abandonment_id, cart_id, shopper, customer_id, email, holdout, holdout_percent,
         segment, stage, device, country, currency, value, abandoned_at, plan)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16)
       ON CONFLICT (store_id, abandonment_id) DO NOTHING`,
      [
        a.storeId,
        a.abandonmentId,
        a.cartId,
        storableText(shopperOf(a.customer, a.cartId)),
        a.customer.id ?? null,
        emailKey(a.customer.email),
        a.holdout,
        a.holdoutPercent ?? null,
        storableText(a.segment),
        a.stage,
        a.device ?? null,
        a.customer.country ?? null,
        a.cart.currency,
        a.cart.value,
        a.abandonedAt,
        JSON.stringify(
          a.plan.map((t) => ({ touchId: t.touchId, channel: t.channel, sequence: t.sequence, angle: t.angle })),
        ),
      ],
    );
  }

  /**
   * Orders of the abandonment's cart or shopper placed after it and within the window are decided
   * again: an abandonment read after its order (topics are read side by side) is not missed.
   */
  async reopenOrdersAfter(a: Abandonment, attributionMs: number, decideAfter: Date): Promise<void> {
    await this.db.query(
      `UPDATE orders SET decided = false, decide_after = $7, received_at = now()
        WHERE store_id = $1 AND ordered_at >= $5 AND ordered_at <= $5::timestamptz + ($6 || ' milliseconds')::interval
          AND (cart_id = $2 OR customer_id = $3 OR (customer_id IS NULL AND email = $4))
          AND NOT EXISTS (SELECT 1 FROM recoveries r WHERE r.store_id = orders.store_id AND r.order_id = orders.order_id)
          AND NOT EXISTS (SELECT 1 FROM recoveries r WHERE r.store_id = $1 AND r.cart_id = $2)`,
      [
        a.storeId,
        a.cartId,
        a.customer.id ?? null,
        emailKey(a.customer.email),
        a.abandonedAt,
        String(attributionMs),
        decideAfter,
      ],
    );
  }

  async saveDelivery(d: Delivery): Promise<void> {
    // A click counts as a credited candidate unless ingestion judged it a repeat or a prefetch.
    const credited = d.status === 'clicked' && (d.click?.credited ?? true);
    await this.db.query(
      `INSERT INTO deliveries (store_id, delivery_id, touch_id, abandonment_id, cart_id, channel, sequence, status, reason, credited, segments, at)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)
       ON CONFLICT (store_id, delivery_id) DO NOTHING`,
      [
        d.storeId,
        storableText(d.deliveryId),
        storableText(d.touchId),
        d.abandonmentId ?? null,
        d.cartId,
        d.channel,
        d.sequence ?? null,
        d.status,
        d.reason ? storableText(d.reason) : null,
        credited,
        d.segments ?? null,
        d.at,
      ],
    );
  }

  async saveIncentive(i: IncentiveIssued): Promise<void> {
    await this.db.query(
      `INSERT INTO incentive_codes (store_id, code, touch_id, cart_id, kind, issued_at, expires_at)
       VALUES ($1,$2,$3,$4,$5,$6,$7) ON CONFLICT (store_id, code) DO NOTHING`,
      [i.storeId, storableText(i.code), storableText(i.touchId), i.cartId, i.kind, i.issuedAt, i.expiresAt],
    );
  }

  async saveSuppression(id: string, s: Suppression): Promise<void> {
    await this.db.query(
      `INSERT INTO suppression_events (store_id, event_id, reason, at) VALUES ($1,$2,$3,$4) ON CONFLICT DO NOTHING`,
      [s.storeId, storableText(id), s.reason, s.suppressedAt],
    );
  }

  /** Records an order (once) to be decided after `decideAfter`. */
  async saveOrder(record: StorefrontEventRecord, decideAfter: Date): Promise<void> {
    const { event } = record;
    if (event.type !== 'order.completed' || !event.order || !event.cartId) return;
    await this.db.query(
      `INSERT INTO orders (store_id, order_id, cart_id, customer_id, email, total, currency, discount_code, discount_total, ordered_at, decide_after, received_at)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11, now()) ON CONFLICT (store_id, order_id) DO NOTHING`,
      [
        record.storeId,
        event.order.id,
        event.cartId,
        event.customer?.id ?? null,
        emailKey(event.customer?.email),
        event.order.total,
        event.order.currency,
        event.order.discountCode ?? null,
        event.order.discountTotal ?? null,
        event.occurredAt,
        decideAfter,
      ],
    );
  }

  /**
   * Orders due for a decision — read before `readBefore` (everything published before then has been
   * consumed) and past their decide_after — locked for this transaction (other instances skip them).
   */
  async lockDueOrders(tx: EntityManager, now: Date, readBefore: Date, limit: number): Promise<OrderRow[]> {
    const rows: Array<Record<string, unknown>> = await tx.query(
      `SELECT store_id, order_id, cart_id, customer_id, email, total, currency, discount_code, ordered_at
         FROM orders WHERE NOT decided AND decide_after <= $1 AND received_at < $2
        ORDER BY decide_after LIMIT $3 FOR UPDATE SKIP LOCKED`,
      [now, readBefore, limit],
    );
    return rows.map((r) => ({
      storeId: r['store_id'] as string,
      orderId: r['order_id'] as string,
      cartId: r['cart_id'] as string,
      customerId: r['customer_id'] as string | null,
      email: r['email'] as string | null,
      total: Number(r['total']),
      currency: r['currency'] as string,
      discountCode: r['discount_code'] as string | null,
      orderedAt: new Date(r['ordered_at'] as string),
    }));
  }

  async markDecided(tx: EntityManager, order: OrderRow): Promise<void> {
    await tx.query('UPDATE orders SET decided = true WHERE store_id = $1 AND order_id = $2', [
      order.storeId,
      order.orderId,
    ]);
  }

  /** Whether the order already recovered a cart (a redelivered or reopened order decides nothing new). */
  async orderRecovered(tx: EntityManager, order: OrderRow): Promise<boolean> {
    const rows: unknown[] = await tx.query('SELECT 1 FROM recoveries WHERE store_id = $1 AND order_id = $2', [
      order.storeId,
      order.orderId,
    ]);
    return rows.length > 0;
  }

  /**
   * The abandonment the order recovers: the latest one of the order's own cart within the window
   * before it, else the latest one of another cart of the same shopper (customer id, else e-mail);
   * a cart already recovered is never recovered again.
   */
  async recoverableAbandonment(
    tx: EntityManager,
    order: OrderRow,
    attributionMs: number,
  ): Promise<AbandonmentRow | undefined> {
    const base = `SELECT a.abandonment_id, a.cart_id, a.holdout, a.segment, a.abandoned_at FROM abandonments a
       WHERE a.store_id = $1 AND a.abandoned_at <= $2 AND a.abandoned_at >= $2::timestamptz - ($3 || ' milliseconds')::interval
         AND NOT EXISTS (SELECT 1 FROM recoveries r WHERE r.store_id = a.store_id AND r.cart_id = a.cart_id)`;
    const params = [order.storeId, order.orderedAt, String(attributionMs)];
    const own: Array<Record<string, unknown>> = await tx.query(
      `${base} AND a.cart_id = $4 ORDER BY a.abandoned_at DESC LIMIT 1`,
      [...params, order.cartId],
    );
    let row = own[0];
    if (!row && (order.customerId || order.email)) {
      const other: Array<Record<string, unknown>> = order.customerId
        ? await tx.query(
            `${base} AND a.cart_id <> $4 AND (a.customer_id = $5 OR (a.customer_id IS NULL AND a.email = $6))
              ORDER BY a.abandoned_at DESC LIMIT 1`,
            [...params, order.cartId, order.customerId, order.email],
          )
        : await tx.query(`${base} AND a.cart_id <> $4 AND a.email = $5 ORDER BY a.abandoned_at DESC LIMIT 1`, [
            ...params,
            order.cartId,
            order.email,
          ]);
      row = other[0];
    }
    if (!row) return undefined;
    return {
      abandonmentId: row['abandonment_id'] as string,
      cartId: row['cart_id'] as string,
      holdout: row['holdout'] as boolean,
      segment: row['segment'] as string,
      abandonedAt: new Date(row['abandoned_at'] as string),
    };
  }

  /** The last clicked touch of the cart within the click window, else the last delivered one within the view window. */
  async creditedTouch(
    tx: EntityManager,
    storeId: string,
    cartId: string,
    orderedAt: Date,
    windows: DecisionWindows,
  ): Promise<CreditedTouch | undefined> {
    const last = async (condition: string, windowMs: number): Promise<Record<string, unknown> | undefined> => {
      const rows: Array<Record<string, unknown>> = await tx.query(
        // A click (from ingestion) names no sequence: the touch's other deliveries, else its plan, do.
        `SELECT touch_id, channel, coalesce(sequence,
                  (SELECT max(o.sequence) FROM deliveries o WHERE o.store_id = d.store_id AND o.touch_id = d.touch_id),
                  (SELECT (t->>'sequence')::int FROM abandonments a, jsonb_array_elements(a.plan) t
                    WHERE a.store_id = d.store_id AND a.cart_id = d.cart_id AND t->>'touchId' = d.touch_id LIMIT 1)) AS sequence
           FROM deliveries d
          WHERE store_id = $1 AND cart_id = $2 AND ${condition}
            AND at <= $3 AND at >= $3::timestamptz - ($4 || ' milliseconds')::interval
          ORDER BY at DESC, delivery_id DESC LIMIT 1`,
        [storeId, cartId, orderedAt, String(windowMs)],
      );
      return rows[0];
    };
    const clicked = await last(`status = 'clicked' AND credited`, windows.clickMs);
    const row = clicked ?? (await last(`status = 'sent'`, windows.viewMs));
    if (!row) return undefined;
    return {
      credit: clicked ? 'clicked' : 'delivered',
      touchId: row['touch_id'] as string,
      channel: row['channel'] as string,
      sequence: row['sequence'] === null ? null : Number(row['sequence']),
    };
  }

  /** The angle the touch led with, from the plan of the cart's abandonments. */
  async touchAngle(tx: EntityManager, storeId: string, cartId: string, touchId: string): Promise<string | undefined> {
    const rows: Array<{ angle: string | null }> = await tx.query(
      `SELECT t->>'angle' AS angle FROM abandonments a, jsonb_array_elements(a.plan) t
        WHERE a.store_id = $1 AND a.cart_id = $2 AND t->>'touchId' = $3 LIMIT 1`,
      [storeId, cartId, touchId],
    );
    return rows[0]?.angle ?? undefined;
  }

  /** The incentive code of the credited touch, else the cart's latest code issued before the order. */
  async incentiveCode(
    tx: EntityManager,
    storeId: string,
    cartId: string,
    touchId: string | undefined,
    orderedAt: Date,
  ): Promise<string | undefined> {
    const rows: Array<{ code: string }> = await tx.query(
      `SELECT code FROM incentive_codes WHERE store_id = $1 AND cart_id = $2 AND issued_at <= $3
        ORDER BY (touch_id = $4) DESC, issued_at DESC LIMIT 1`,
      [storeId, cartId, orderedAt, touchId ?? ''],
    );
    return rows[0]?.code;
  }

  async insertRecovery(tx: EntityManager, r: Recovery, abandonedAt: Date): Promise<boolean> {
    const rows: unknown[] = await tx.query(
      `INSERT INTO recoveries (store_id, cart_id, abandonment_id, order_id, order_cart_id, revenue, currency, holdout, credit,
         channel, touch_id, sequence, angle, segment, incentive_code, hours_to_recover, abandoned_at, recovered_at)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18)
       ON CONFLICT DO NOTHING RETURNING cart_id`,
      [
        r.storeId,
        r.cartId,
        r.abandonmentId,
        r.orderId,
        r.orderCartId ?? null,
        r.revenue,
        r.currency,
        r.holdout,
        r.credit ?? 'none',
        r.attributedChannel ?? null,
        r.attributedTouchId ?? null,
        r.attributedSequence ?? null,
        r.angle ?? null,
        r.segment ?? '',
        r.incentiveCode ?? null,
        r.hoursToRecover ?? 0,
        abandonedAt,
        r.recoveredAt,
      ],
    );
    return rows.length === 1;
  }

  /** Recoveries decided but not yet on reclaim.recoveries.v1, locked for this transaction. */
  async lockUnpublished(tx: EntityManager, limit: number): Promise<Recovery[]> {
    const rows: Array<Record<string, unknown>> = await tx.query(
      `SELECT * FROM recoveries WHERE published_at IS NULL ORDER BY recovered_at LIMIT $1 FOR UPDATE SKIP LOCKED`,
      [limit],
    );
    return rows.map(recoveryFromRow);
  }

  async markPublished(tx: EntityManager, recoveries: ReadonlyArray<Recovery>, at: Date): Promise<void> {
    for (const r of recoveries)
      await tx.query('UPDATE recoveries SET published_at = $3 WHERE store_id = $1 AND cart_id = $2', [
        r.storeId,
        r.cartId,
        at,
      ]);
  }
}

/** A stored recovery as the contract's record. */
export function recoveryFromRow(row: Record<string, unknown>): Recovery {
  const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
  const credit = row['credit'] as Recovery['credit'];
  return {
    storeId: row['store_id'] as string,
    cartId: row['cart_id'] as string,
    orderId: row['order_id'] as string,
    revenue: Number(row['revenue']),
    currency: row['currency'] as string,
    holdout: row['holdout'] as boolean,
    attributedChannel: text(row['channel']) as Recovery['attributedChannel'],
    attributedTouchId: text(row['touch_id']),
    recoveredAt: new Date(row['recovered_at'] as string).toISOString(),
    abandonmentId: row['abandonment_id'] as string,
    orderCartId: text(row['order_cart_id']),
    credit,
    attributedSequence: row['sequence'] === null ? undefined : Number(row['sequence']),
    angle: text(row['angle']) as Recovery['angle'],
    segment: text(row['segment']),
    incentiveCode: text(row['incentive_code']),
    hoursToRecover: Number(row['hours_to_recover']),
  };
}
