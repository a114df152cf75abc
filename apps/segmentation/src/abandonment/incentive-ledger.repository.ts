import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { z } from 'zod';
import { DeliveryStatuses } from '@reclaim/contracts';
import type { IncentiveSettlement, LedgerEntry, PlannedIncentive } from './domain/incentive-ledger';

interface SettlementRow {
  issued_at: Date;
  cart_id: string | null;
  shopper_key: string | null;
  last_activity_at: Date | null;
  status: string;
  settled_at: Date | null;
  delivery_status: string | null;
  delivery_reason: string | null;
}

const StatusColumn = z.enum(['planned', 'delivered', 'released']);
const DeliveryStatusColumn = z.enum(DeliveryStatuses).nullable();

function toEntry(row: SettlementRow): LedgerEntry {
  const { cart_id: cartId, shopper_key: shopperKey, last_activity_at: lastActivityAt } = row;
  return {
    issuedAt: row.issued_at,
    owner:
      cartId !== null && shopperKey !== null && lastActivityAt !== null ? { cartId, shopperKey, lastActivityAt } : null,
    settlement: {
      status: StatusColumn.parse(row.status),
      settledAt: row.settled_at,
      deliveryStatus: DeliveryStatusColumn.parse(row.delivery_status),
      reason: row.delivery_reason,
    },
  };
}

/** The ledger rows of one incentive touch (one per shopper identity), as locked for settling. */
export interface TouchLedgerRow extends LedgerEntry {
  subject: string;
  abandonmentId: string;
}

/**
 * Incentives planned per shopper identity, and what became of the touch that carried each: the
 * memory behind the cooldown ("abandon to get a code"). Rows recorded before touches were
 * tracked have an empty touch id; nothing settles them, so they count as planned.
 */
@Injectable()
export class IncentiveLedgerRepository {
  constructor(private readonly db: DataSource) {}

  transaction<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }

  /** The incentives of these identities in this store that may still count (released ones left out). */
  async countingIncentives(
    tx: EntityManager,
    storeId: string,
    subjects: ReadonlyArray<string>,
  ): Promise<LedgerEntry[]> {
    if (subjects.length === 0) return [];
    const rows: SettlementRow[] = await tx.query(
      `SELECT issued_at, cart_id, shopper_key, last_activity_at, status, settled_at, delivery_status, delivery_reason
         FROM issued_incentives
        WHERE store_id = $1 AND subject = ANY($2::text[]) AND status <> 'released'`,
      [storeId, [...subjects]],
    );
    return rows.map(toEntry);
  }

  /** Idempotent: a republished abandonment records nothing new. */
  async record(tx: EntityManager, planned: PlannedIncentive): Promise<void> {
    if (planned.subjects.length === 0) return;
    await tx.query(
      `INSERT INTO issued_incentives (store_id, subject, abandonment_id, touch_id, touch_sequence, incentive, issued_at,
                                     cart_id, shopper_key, last_activity_at)
       SELECT $1, s, $3, $4, $5, $6, $7, $8, $9, $10 FROM unnest($2::text[]) AS s
       ON CONFLICT DO NOTHING`,
      [
        planned.storeId,
        [...planned.subjects],
        planned.abandonmentId,
        planned.touchId,
        planned.sequence,
        planned.incentive,
        planned.issuedAt,
        planned.owner.cartId,
        planned.owner.shopperKey,
        planned.owner.lastActivityAt,
      ],
    );
  }

  /** The ledger rows an outcome of this touch settles, locked until the transaction ends; none for other touches. */
  async lockTouch(tx: EntityManager, storeId: string, touchId: string): Promise<TouchLedgerRow[]> {
    const rows: Array<SettlementRow & { subject: string; abandonment_id: string }> = await tx.query(
      `SELECT subject, abandonment_id, issued_at, cart_id, shopper_key, last_activity_at, status, settled_at,
              delivery_status, delivery_reason
         FROM issued_incentives WHERE store_id = $1 AND touch_id = $2
        ORDER BY subject, abandonment_id
        FOR UPDATE`,
      [storeId, touchId],
    );
    return rows.map((row) => ({ ...toEntry(row), subject: row.subject, abandonmentId: row.abandonment_id }));
  }

  /**
   * Waits for an abandonment sweep that still holds this cart (it records its incentives in the
   * transaction that publishes the abandonment, so a touch outcome can arrive before that commits).
   */
  async awaitCartSweep(tx: EntityManager, storeId: string, cartId: string): Promise<void> {
    await tx.query('SELECT 1 FROM carts WHERE store_id = $1 AND cart_id = $2 FOR SHARE', [storeId, cartId]);
  }

  async saveSettlement(
    tx: EntityManager,
    row: Pick<TouchLedgerRow, 'subject' | 'abandonmentId'> & { storeId: string; touchId: string },
    settlement: IncentiveSettlement,
  ): Promise<void> {
    await tx.query(
      `UPDATE issued_incentives
          SET status = $5, settled_at = $6, delivery_status = $7, delivery_reason = $8
        WHERE store_id = $1 AND subject = $2 AND abandonment_id = $3 AND touch_id = $4`,
      [
        row.storeId,
        row.subject,
        row.abandonmentId,
        row.touchId,
        settlement.status,
        settlement.settledAt,
        settlement.deliveryStatus,
        settlement.reason,
      ],
    );
  }
}
