import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { TouchDue } from '@reclaim/contracts';
import { AppError, DependencyUnavailableError, errorMessage } from '@reclaim/core';

export interface LedgerRow {
  status: string;
  reason: string | null;
}

/** One row per touch: a redelivered touch finds its row and is only reported again. */
@Injectable()
export class SendLedgerRepository {
  constructor(private readonly db: DataSource) {}

  /** Inserts the touch as pending, or returns the row it already has. */
  async claim(touch: TouchDue): Promise<LedgerRow> {
    const rows: LedgerRow[] = await this.query(
      `INSERT INTO send_ledger (touch_id, abandonment_id, store_id, cart_id, sequence, status)
       VALUES ($1, $2, $3, $4, $5, 'pending')
       ON CONFLICT (touch_id) DO UPDATE SET touch_id = send_ledger.touch_id
       RETURNING status, reason`,
      [touch.touchId, touch.abandonmentId, touch.storeId, touch.cartId, touch.sequence],
    );
    const row = rows[0];
    if (!row) throw new Error(`send ledger claim returned no row for ${touch.touchId}`);
    return row;
  }

  /** pending → skipped, once; returns the row as it now is. */
  async markSkipped(touchId: string, reason: string): Promise<LedgerRow> {
    await this.query(
      `UPDATE send_ledger SET status = 'skipped', reason = $2, updated_at = now() WHERE touch_id = $1 AND status = 'pending'`,
      [touchId, reason],
    );
    const rows: LedgerRow[] = await this.query('SELECT status, reason FROM send_ledger WHERE touch_id = $1', [touchId]);
    const row = rows[0];
    if (!row) throw new Error(`send ledger has no row for ${touchId}`);
    return row;
  }

  /** Ledger errors are retriable: the touch is redelivered, never dead-lettered for a Postgres blip. */
  private async query<T>(sql: string, params: unknown[]): Promise<T> {
    try {
      const result: T = await this.db.query(sql, params);
      return result;
    } catch (error) {
      if (error instanceof AppError) throw error;
      throw new DependencyUnavailableError(`send ledger: ${errorMessage(error)}`, { cause: error });
    }
  }
}
