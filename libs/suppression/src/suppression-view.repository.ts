import type { DataSource } from 'typeorm';
import type { Suppression } from '@reclaim/contracts';
import { fromStorableText, storableText, storableTextOrNull } from '@reclaim/persistence';
import type { SuppressionEntry } from './domain/suppression-match';

/** What one record of the suppression topic does to the view. */
export type SuppressionChange =
  { kind: 'upsert'; suppression: Suppression } | { kind: 'delete'; scope: string } | { kind: 'none' };

/**
 * When a suppression's own time is refused by the database (a year PostgreSQL does not know):
 * the latest time it stores, so a customer-wide scope stops every cart (fail closed).
 */
export const FAIL_CLOSED_SUPPRESSED_AT = '9999-12-31T23:59:59.999Z';

/**
 * The view's tables: suppressions by scope, and how far each partition has been read. Every text
 * a record brings is stored through `storableText` (a scope with U+0000 or a lone surrogate is
 * stored escaped, apart from every other scope), and every look-up goes through it too.
 */
export class SuppressionViewRepository {
  constructor(private readonly db: DataSource) {}

  /**
   * Applies the record at `offset` and moves the partition's position past it, in one
   * transaction. Returns false when the record was applied before (a redelivery).
   */
  async applyAt(partition: number, offset: string, change: SuppressionChange): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      await tx.query('INSERT INTO suppression_offsets (partition, next_offset) VALUES ($1, 0) ON CONFLICT DO NOTHING', [
        partition,
      ]);
      const rows: Array<{ next_offset: string }> = await tx.query(
        'SELECT next_offset FROM suppression_offsets WHERE partition = $1 FOR UPDATE',
        [partition],
      );
      const next = BigInt(rows[0]?.next_offset ?? '0');
      if (BigInt(offset) < next) return false;
      if (change.kind === 'upsert') {
        const s = change.suppression;
        await tx.query(
          `INSERT INTO suppressions (scope, reason, store_id, cart_id, customer_id, suppressed_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, now())
           ON CONFLICT (scope) DO UPDATE SET reason = EXCLUDED.reason, store_id = EXCLUDED.store_id,
             cart_id = EXCLUDED.cart_id, customer_id = EXCLUDED.customer_id,
             suppressed_at = EXCLUDED.suppressed_at, updated_at = now()`,
          [
            storableText(s.scope),
            s.reason,
            storableText(s.storeId),
            storableTextOrNull(s.cartId),
            storableTextOrNull(s.customerId),
            s.suppressedAt,
          ],
        );
      } else if (change.kind === 'delete') {
        await tx.query('DELETE FROM suppressions WHERE scope = $1', [storableText(change.scope)]);
      }
      await tx.query('UPDATE suppression_offsets SET next_offset = $2 WHERE partition = $1', [
        partition,
        (BigInt(offset) + 1n).toString(),
      ]);
      return true;
    });
  }

  /** Forgets every suppression and position: the view is rebuilt from the topic's beginning. */
  async reset(): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.query('DELETE FROM suppression_offsets');
      await tx.query('DELETE FROM suppressions');
    });
  }

  /** Moves a partition's position forward past offsets that carry no suppression (transaction markers). */
  async advanceTo(partition: number, nextOffset: string): Promise<void> {
    await this.db.query(
      `INSERT INTO suppression_offsets (partition, next_offset) VALUES ($1, $2)
       ON CONFLICT (partition) DO UPDATE SET next_offset = GREATEST(suppression_offsets.next_offset, EXCLUDED.next_offset)`,
      [partition, nextOffset],
    );
  }

  async positions(): Promise<Map<number, bigint>> {
    const rows: Array<{ partition: number; next_offset: string }> = await this.db.query(
      'SELECT partition, next_offset FROM suppression_offsets',
    );
    return new Map(rows.map((r) => [r.partition, BigInt(r.next_offset)]));
  }

  async findByScopes(scopes: string[]): Promise<SuppressionEntry[]> {
    if (scopes.length === 0) return [];
    const rows: Array<{ scope: string; reason: string; suppressed_at: Date }> = await this.db.query(
      'SELECT scope, reason, suppressed_at FROM suppressions WHERE scope = ANY($1)',
      [scopes.map(storableText)],
    );
    return rows.map((r) => ({
      scope: fromStorableText(r.scope),
      reason: r.reason,
      suppressedAt: new Date(r.suppressed_at),
    }));
  }
}
