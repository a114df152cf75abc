import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { z } from 'zod';
import { Channels, shopperKey, TouchDue, type Abandonment, type Suppression } from '@reclaim/contracts';
import { fromStorableText, storableText, storableTextOrNull } from '@reclaim/persistence';
import type { RecentSend } from './domain/policies/caps';
import { asDeferReason, type DeferReason } from './domain/policies/deferral';
import type { SuppressionFact } from './domain/suppression-rules';
import { sentStep, type TouchStatus, type TouchTimer } from './domain/touch-plan';

interface TouchRow {
  touch_id: string;
  abandonment_id: string;
  store_id: string;
  cart_id: string;
  channel: string;
  sequence: number;
  due_at: Date;
  abandoned_at: Date;
  last_activity_at: Date;
  status: string;
  reason: string | null;
  stop_scopes: string[];
  payload: unknown;
  shopper_key: string;
  original_due_at: Date | null;
  deferred_reason: string | null;
}

const ChannelColumn = z.enum(Channels);
const StatusColumn = z.enum(['scheduled', 'dispatched', 'cancelled', 'skipped']);

function toTimer(row: TouchRow): TouchTimer {
  return {
    touchId: row.touch_id,
    abandonmentId: row.abandonment_id,
    storeId: row.store_id,
    cartId: row.cart_id,
    channel: ChannelColumn.parse(row.channel),
    sequence: row.sequence,
    dueAt: row.due_at,
    abandonedAt: row.abandoned_at,
    lastActivityAt: row.last_activity_at,
    scopes: row.stop_scopes.map(fromStorableText),
    status: StatusColumn.parse(row.status),
    reason: row.reason,
    payload: TouchDue.parse(row.payload),
  };
}

/** A due touch with what the policies need: whose it is and when the plan first wanted it out. */
export interface DueTouch extends TouchTimer {
  shopperKey: string;
  /** The planned due time (due_at before any deferral). */
  originalDueAt: Date;
  /** The policy behind the touch's latest deferral; undefined when it was never deferred. */
  deferredBy: DeferReason | undefined;
}

function toDueTouch(row: TouchRow): DueTouch {
  return {
    ...toTimer(row),
    shopperKey: row.shopper_key,
    originalDueAt: row.original_due_at ?? row.due_at,
    deferredBy: asDeferReason(row.deferred_reason),
  };
}

export interface TouchDeferral {
  touchId: string;
  until: Date;
  reason: DeferReason;
}

/** A dispatched touch, as the caps see it. */
export interface SendRecord extends RecentSend {
  touchId: string;
  shopperKey: string;
  storeId: string;
}

export interface TouchOutcome {
  touchId: string;
  status: TouchStatus;
  reason: string | null;
}

/**
 * Timers, suppressions and abandonments in the scheduler schema. Suppression scopes — the
 * `suppressions` rows (with their other texts) and the touches' `stop_scopes` — are written and
 * looked up through `storableText`: a scope holding U+0000 or a lone surrogate is stored escaped,
 * apart from every other scope, and read back as it was.
 */
@Injectable()
export class TouchesRepository {
  constructor(private readonly db: DataSource) {}

  transaction<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }

  /** False when this abandonment was recorded before (natural key): nothing more to do. */
  async recordAbandonment(tx: EntityManager, a: Abandonment): Promise<boolean> {
    const rows: unknown[] = await tx.query(
      `INSERT INTO abandonments (abandonment_id, store_id, cart_id, holdout, abandoned_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT DO NOTHING RETURNING abandonment_id`,
      [a.abandonmentId, a.storeId, a.cartId, a.holdout, a.abandonedAt],
    );
    return rows.length === 1;
  }

  async findSuppressions(tx: EntityManager, scopes: ReadonlyArray<string>): Promise<SuppressionFact[]> {
    if (scopes.length === 0) return [];
    const rows: Array<{ scope: string; reason: string; suppressed_at: Date }> = await tx.query(
      'SELECT scope, reason, suppressed_at FROM suppressions WHERE scope = ANY($1::text[])',
      [scopes.map(storableText)],
    );
    return rows.map((r) => ({ scope: fromStorableText(r.scope), reason: r.reason, suppressedAt: r.suppressed_at }));
  }

  /** Inserts timers; returns the ones that are new (a replay inserts nothing). */
  async insertTimers(tx: EntityManager, timers: ReadonlyArray<TouchTimer>): Promise<TouchTimer[]> {
    const inserted: TouchTimer[] = [];
    for (const t of timers) {
      const rows: unknown[] = await tx.query(
        `INSERT INTO touches (touch_id, abandonment_id, store_id, cart_id, channel, sequence, due_at, status, reason,
                              abandoned_at, stop_scopes, payload, shopper_key, last_activity_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::text[], $12::jsonb, $13, $14)
         ON CONFLICT (touch_id) DO NOTHING RETURNING touch_id`,
        [
          t.touchId,
          t.abandonmentId,
          t.storeId,
          t.cartId,
          t.channel,
          t.sequence,
          t.dueAt,
          t.status,
          t.reason,
          t.abandonedAt,
          t.scopes.map(storableText),
          JSON.stringify(t.payload),
          shopperKey(t.storeId, t.cartId, t.payload.customer),
          t.lastActivityAt,
        ],
      );
      if (rows.length === 1) inserted.push(t);
    }
    return inserted;
  }

  /**
   * Records a suppression (the compacted topic's latest word per scope). The suppression time
   * only moves forward, so a replayed older record never narrows what a customer scope covers.
   */
  async upsertSuppression(tx: EntityManager, s: Suppression): Promise<SuppressionFact> {
    const rows: Array<{ scope: string; reason: string; suppressed_at: Date }> = await tx.query(
      `INSERT INTO suppressions (scope, reason, suppressed_at, store_id, cart_id, customer_id, source_event_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (scope) DO UPDATE SET
         reason = CASE WHEN EXCLUDED.suppressed_at >= suppressions.suppressed_at THEN EXCLUDED.reason ELSE suppressions.reason END,
         suppressed_at = GREATEST(suppressions.suppressed_at, EXCLUDED.suppressed_at),
         source_event_id = CASE WHEN EXCLUDED.suppressed_at >= suppressions.suppressed_at
                                THEN EXCLUDED.source_event_id ELSE suppressions.source_event_id END,
         recorded_at = now()
       RETURNING scope, reason, suppressed_at`,
      [
        storableText(s.scope),
        s.reason,
        s.suppressedAt,
        storableText(s.storeId),
        storableTextOrNull(s.cartId),
        storableTextOrNull(s.customerId),
        storableText(s.sourceEventId),
      ],
    );
    const row = rows[0];
    if (!row) throw new Error(`suppression ${s.scope} was not recorded`);
    return { scope: fromStorableText(row.scope), reason: row.reason, suppressedAt: row.suppressed_at };
  }

  /** A tombstone on the suppression topic: the scope no longer suppresses (a consent given again). */
  async liftSuppression(tx: EntityManager, scope: string): Promise<void> {
    await tx.query('DELETE FROM suppressions WHERE scope = $1', [storableText(scope)]);
  }

  /** The cart's scheduled touches, of every abandonment, locked until the transaction ends. */
  async lockScheduledOfCart(tx: EntityManager, storeId: string, cartId: string): Promise<TouchTimer[]> {
    const rows: TouchRow[] = await tx.query(
      `SELECT * FROM touches WHERE status = 'scheduled' AND store_id = $1 AND cart_id = $2
        ORDER BY touch_id FOR UPDATE`,
      [storeId, cartId],
    );
    return rows.map(toTimer);
  }

  /**
   * The scheduled touches of the shopper's other carts. SKIP LOCKED: a touch the dispatcher holds
   * right now is being settled by it (callers hold the shopper's advisory lock, which the
   * dispatcher takes after its row locks, so waiting here could deadlock).
   */
  async lockScheduledOfShopperElsewhere(
    tx: EntityManager,
    shopper: string,
    storeId: string,
    cartId: string,
  ): Promise<TouchTimer[]> {
    const rows: TouchRow[] = await tx.query(
      `SELECT * FROM touches WHERE status = 'scheduled' AND shopper_key = $1 AND NOT (store_id = $2 AND cart_id = $3)
        ORDER BY touch_id FOR UPDATE SKIP LOCKED`,
      [shopper, storeId, cartId],
    );
    return rows.map(toTimer);
  }

  /** The abandonment's scheduled touches, locked until the transaction ends. */
  async lockScheduledOfAbandonment(tx: EntityManager, abandonmentId: string): Promise<TouchTimer[]> {
    const rows: TouchRow[] = await tx.query(
      `SELECT * FROM touches WHERE status = 'scheduled' AND abandonment_id = $1 ORDER BY touch_id FOR UPDATE`,
      [abandonmentId],
    );
    return rows.map(toTimer);
  }

  /** The steps (channel and sequence, as `sentStep` spells them) already dispatched for this cart, by any sequence. */
  async dispatchedSteps(tx: EntityManager, storeId: string, cartId: string): Promise<Set<string>> {
    const rows: Array<{ channel: string; sequence: number }> = await tx.query(
      `SELECT DISTINCT channel, sequence FROM touches WHERE status = 'dispatched' AND store_id = $1 AND cart_id = $2`,
      [storeId, cartId],
    );
    return new Set(rows.map((r) => sentStep(ChannelColumn.parse(r.channel), r.sequence)));
  }

  /** Pending touches this scope can stop, locked until the transaction ends. */
  async lockScheduledInScope(tx: EntityManager, scope: string): Promise<TouchTimer[]> {
    const rows: TouchRow[] = await tx.query(
      `SELECT * FROM touches WHERE status = 'scheduled' AND stop_scopes @> ARRAY[$1]::text[]
        ORDER BY touch_id FOR UPDATE`,
      [storableText(scope)],
    );
    return rows.map(toTimer);
  }

  /**
   * Scheduled touches due by `now`, earliest first, locked for this transaction. SKIP LOCKED
   * lets several instances dispatch at once without taking the same touch twice.
   */
  async lockDue(tx: EntityManager, now: Date, limit: number): Promise<DueTouch[]> {
    const rows: TouchRow[] = await tx.query(
      `SELECT * FROM touches WHERE status = 'scheduled' AND due_at <= $1
        ORDER BY due_at, touch_id LIMIT $2 FOR UPDATE SKIP LOCKED`,
      [now, limit],
    );
    return rows.map(toDueTouch);
  }

  /**
   * Serialises pacing decisions per shopper across scheduler instances until the transaction
   * ends (advisory locks, taken in a fixed order so two instances cannot deadlock).
   */
  async lockShoppers(tx: EntityManager, shopperKeys: ReadonlyArray<string>): Promise<void> {
    if (shopperKeys.length === 0) return;
    await tx.query(
      `SELECT pg_advisory_xact_lock(h) FROM (
         SELECT DISTINCT hashtextextended(k, 0) AS h FROM unnest($1::text[]) AS k ORDER BY 1
       ) AS keys`,
      [shopperKeys],
    );
  }

  /**
   * What the caps count: the shoppers' touches dispatched since `since` (gap and daily cap),
   * plus every touch ever dispatched for these carts (per-cart channel caps).
   */
  async recentSends(
    tx: EntityManager,
    shopperKeys: ReadonlyArray<string>,
    carts: ReadonlyArray<{ storeId: string; cartId: string }>,
    since: Date,
  ): Promise<SendRecord[]> {
    if (shopperKeys.length === 0 && carts.length === 0) return [];
    const rows: Array<{
      touch_id: string;
      shopper_key: string;
      store_id: string;
      cart_id: string;
      channel: string;
      dispatched_at: Date;
    }> = await tx.query(
      `SELECT touch_id, shopper_key, store_id, cart_id, channel, dispatched_at FROM touches
        WHERE status = 'dispatched' AND dispatched_at IS NOT NULL
          AND ((shopper_key = ANY($1::text[]) AND dispatched_at > $2)
               OR (store_id, cart_id) IN (SELECT * FROM unnest($3::text[], $4::text[])))`,
      [shopperKeys, since, carts.map((c) => c.storeId), carts.map((c) => c.cartId)],
    );
    return rows.map((r) => ({
      touchId: r.touch_id,
      shopperKey: r.shopper_key,
      storeId: r.store_id,
      cartId: r.cart_id,
      channel: ChannelColumn.parse(r.channel),
      at: r.dispatched_at,
    }));
  }

  /**
   * Moves scheduled touches to their next allowed moment: still scheduled, never dropped. The
   * planned due time is kept in original_due_at on the first deferral.
   */
  async deferTouches(tx: EntityManager, deferrals: ReadonlyArray<TouchDeferral>): Promise<void> {
    if (deferrals.length === 0) return;
    await tx.query(
      `UPDATE touches t SET original_due_at = COALESCE(t.original_due_at, t.due_at), due_at = v.until,
              deferred_reason = v.reason, deferrals = t.deferrals + 1, updated_at = now()
         FROM unnest($1::text[], $2::timestamptz[], $3::text[]) AS v(touch_id, until, reason)
        WHERE t.touch_id = v.touch_id AND t.status = 'scheduled'`,
      [deferrals.map((d) => d.touchId), deferrals.map((d) => d.until), deferrals.map((d) => d.reason)],
    );
  }

  /** Settles scheduled touches; a dispatched one records when it went out (`at`, default now). */
  async recordOutcomes(tx: EntityManager, outcomes: ReadonlyArray<TouchOutcome>, at?: Date): Promise<void> {
    if (outcomes.length === 0) return;
    await tx.query(
      `UPDATE touches t SET status = v.status, reason = v.reason, updated_at = now(),
              dispatched_at = CASE WHEN v.status = 'dispatched' THEN COALESCE($4::timestamptz, now()) ELSE t.dispatched_at END
         FROM unnest($1::text[], $2::text[], $3::text[]) AS v(touch_id, status, reason)
        WHERE t.touch_id = v.touch_id AND t.status = 'scheduled'`,
      [outcomes.map((o) => o.touchId), outcomes.map((o) => o.status), outcomes.map((o) => o.reason), at ?? null],
    );
  }

  async touchesOf(abandonmentId: string): Promise<TouchTimer[]> {
    const rows: TouchRow[] = await this.db.query('SELECT * FROM touches WHERE abandonment_id = $1 ORDER BY sequence', [
      abandonmentId,
    ]);
    return rows.map(toTimer);
  }
}
