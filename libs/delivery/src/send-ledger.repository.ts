import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { TouchDue } from '@reclaim/contracts';
import { AppError, DependencyUnavailableError, errorMessage } from '@reclaim/core';
import { sourcesOf, type LedgerStatus } from './domain/send-ledger';

export interface LedgerRow {
  touchId: string;
  abandonmentId: string;
  storeId: string;
  cartId: string;
  sequence: number;
  status: LedgerStatus;
  reason: string | null;
  attempts: number;
  providerMessageId: string | null;
}

interface RawRow {
  touch_id: string;
  abandonment_id: string;
  store_id: string;
  cart_id: string;
  sequence: number;
  status: LedgerStatus;
  reason: string | null;
  attempts: number;
  provider_message_id: string | null;
}

const COLUMNS = 'touch_id, abandonment_id, store_id, cart_id, sequence, status, reason, attempts, provider_message_id';

const toRow = (r: RawRow): LedgerRow => ({
  touchId: r.touch_id,
  abandonmentId: r.abandonment_id,
  storeId: r.store_id,
  cartId: r.cart_id,
  sequence: r.sequence,
  status: r.status,
  reason: r.reason,
  attempts: r.attempts,
  providerMessageId: r.provider_message_id,
});

/** Columns of a channel's own ledger that a move also writes (SMS segments, the push transport). */
export type LedgerColumns = Readonly<Record<string, string | number>>;

const COLUMN_NAME = /^[a-z][a-z0-9_]*$/;

/**
 * The send ledger: one row per touch, in the channel service's own `send_ledger` table. Every move
 * is a conditional UPDATE whose allowed source statuses come from the state machine
 * (`sourcesOf`), so two deliveries of one touch can never both reach the provider. A channel with
 * columns of its own passes them to `startSending` / `markSent`, or extends this class.
 */
@Injectable()
export class SendLedgerRepository {
  constructor(private readonly db: DataSource) {}

  /** Inserts the touch as pending, or returns the row it already has. */
  async claim(touch: TouchDue): Promise<LedgerRow> {
    const rows: RawRow[] = await this.query(
      `INSERT INTO send_ledger (touch_id, abandonment_id, store_id, cart_id, sequence, status)
       VALUES ($1, $2, $3, $4, $5, 'pending')
       ON CONFLICT (touch_id) DO UPDATE SET touch_id = send_ledger.touch_id
       RETURNING ${COLUMNS}`,
      [touch.touchId, touch.abandonmentId, touch.storeId, touch.cartId, touch.sequence],
    );
    const row = rows[0];
    if (!row) throw new Error(`send ledger claim returned no row for ${touch.touchId}`);
    return toRow(row);
  }

  async find(touchId: string): Promise<LedgerRow | undefined> {
    const rows: RawRow[] = await this.query(`SELECT ${COLUMNS} FROM send_ledger WHERE touch_id = $1`, [touchId]);
    return rows[0] ? toRow(rows[0]) : undefined;
  }

  /** The touch a provider's message id was recorded for (status callbacks). */
  async findByProviderMessageId(id: string): Promise<LedgerRow | undefined> {
    const rows: RawRow[] = await this.query(`SELECT ${COLUMNS} FROM send_ledger WHERE provider_message_id = $1`, [id]);
    return rows[0] ? toRow(rows[0]) : undefined;
  }

  /** pending → sending: only one caller wins; the loser must not send. `columns`: what is about to go out. */
  startSending(touchId: string, columns: LedgerColumns = {}): Promise<boolean> {
    return this.move(touchId, 'sending', { attempts: true }, columns);
  }

  markSent(touchId: string, providerMessageId: string, columns: LedgerColumns = {}): Promise<boolean> {
    return this.move(touchId, 'sent', { providerMessageId, sentAt: true }, columns);
  }

  markSkipped(touchId: string, reason: string): Promise<boolean> {
    return this.move(touchId, 'skipped', { reason });
  }

  markFailed(touchId: string, reason: string): Promise<boolean> {
    return this.move(touchId, 'failed', { reason });
  }

  /** The provider's answer was lost (or a previous attempt died mid-send): never resend. */
  markUnknown(touchId: string, reason: string): Promise<boolean> {
    return this.move(touchId, 'unknown', { reason });
  }

  /** sending → pending: the provider certainly did not take the message; a retry may send it. */
  releaseForRetry(touchId: string, reason: string): Promise<boolean> {
    return this.move(touchId, 'pending', { reason });
  }

  /** A pending touch whose attempt failed before anything reached the provider (unreachable): stays pending. */
  async recordFailedAttempt(touchId: string, reason: string): Promise<void> {
    await this.query(
      `UPDATE send_ledger SET reason = $2, attempts = attempts + 1, updated_at = now()
       WHERE touch_id = $1 AND status = 'pending'`,
      [touchId, reason],
    );
  }

  private async move(
    touchId: string,
    to: LedgerStatus,
    set: { reason?: string; providerMessageId?: string; attempts?: boolean; sentAt?: boolean },
    columns: LedgerColumns = {},
  ): Promise<boolean> {
    const extra = Object.entries(columns);
    for (const [name] of extra) if (!COLUMN_NAME.test(name)) throw new Error(`not a ledger column name: ${name}`);
    const result: [unknown[], number] = await this.query(
      `UPDATE send_ledger SET status = $2, updated_at = now(),
         reason = COALESCE($4, reason),
         provider_message_id = COALESCE($5, provider_message_id),
         attempts = attempts + $6,
         sent_at = CASE WHEN $7 THEN now() ELSE sent_at END
         ${extra.map(([name], i) => `, ${name} = $${8 + i}`).join('')}
       WHERE touch_id = $1 AND status = ANY($3)`,
      [
        touchId,
        to,
        sourcesOf(to),
        set.reason ?? null,
        set.providerMessageId ?? null,
        set.attempts ? 1 : 0,
        set.sentAt ?? false,
        ...extra.map(([, value]) => value),
      ],
    );
    return result[1] === 1;
  }

  /**
   * Every ledger error is retriable: the touch is redelivered rather than dead-lettered, so a
   * Postgres outage delays reminders instead of losing them (and a row left in `sending` by a
   * failed write after the provider accepted is reported `unknown`, never resent).
   */
  protected async query<T>(sql: string, params: unknown[]): Promise<T> {
    try {
      const result: T = await this.db.query(sql, params);
      return result;
    } catch (error) {
      if (error instanceof AppError) throw error;
      throw new DependencyUnavailableError(`send ledger: ${errorMessage(error)}`, { cause: error });
    }
  }
}
