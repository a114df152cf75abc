import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { TouchDue } from '@reclaim/contracts';
import { AppError, DependencyUnavailableError, errorMessage } from '@reclaim/core';
import { sourcesOf, type LedgerStatus } from '@reclaim/delivery';

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
  providerStatus: string | null;
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
  provider_status: string | null;
}

const COLUMNS =
  'touch_id, abandonment_id, store_id, cart_id, sequence, status, reason, attempts, provider_message_id, provider_status';

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
  providerStatus: r.provider_status,
});

/**
 * The send ledger: one row per touch. Every move is a conditional UPDATE whose allowed source
 * statuses come from the domain's state machine, so two deliveries of one touch can never both
 * reach the provider.
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

  /** The touch a provider message SID was recorded for (status callbacks). */
  async findByProviderMessageId(sid: string): Promise<LedgerRow | undefined> {
    const rows: RawRow[] = await this.query(`SELECT ${COLUMNS} FROM send_ledger WHERE provider_message_id = $1`, [sid]);
    return rows[0] ? toRow(rows[0]) : undefined;
  }

  /** pending → sending: only one caller wins; the loser must not send. Records what is about to go out. */
  async startSending(touchId: string, message: { segments: number; encoding: string }): Promise<boolean> {
    const result: [unknown[], number] = await this.query(
      `UPDATE send_ledger SET status = 'sending', attempts = attempts + 1, segments = $2, encoding = $3, updated_at = now()
       WHERE touch_id = $1 AND status = ANY($4)`,
      [touchId, message.segments, message.encoding, sourcesOf('sending')],
    );
    return result[1] === 1;
  }

  markSent(touchId: string, providerMessageId: string, providerStatus: string): Promise<boolean> {
    return this.move(touchId, 'sent', { providerMessageId, providerStatus, sentAt: true });
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

  /** The provider's later word on a sent message (status callback); the ledger status stays final. */
  async recordProviderStatus(touchId: string, status: string, errorCode: string | undefined): Promise<void> {
    await this.query(
      `UPDATE send_ledger SET provider_status = $2, provider_error_code = COALESCE($3, provider_error_code), updated_at = now()
       WHERE touch_id = $1`,
      [touchId, status, errorCode ?? null],
    );
  }

  private async move(
    touchId: string,
    to: LedgerStatus,
    set: { reason?: string; providerMessageId?: string; providerStatus?: string; sentAt?: boolean },
  ): Promise<boolean> {
    const result: [unknown[], number] = await this.query(
      `UPDATE send_ledger SET status = $2, updated_at = now(),
         reason = COALESCE($4, reason),
         provider_message_id = COALESCE($5, provider_message_id),
         provider_status = COALESCE($6, provider_status),
         sent_at = CASE WHEN $7 THEN now() ELSE sent_at END
       WHERE touch_id = $1 AND status = ANY($3)`,
      [
        touchId,
        to,
        sourcesOf(to),
        set.reason ?? null,
        set.providerMessageId ?? null,
        set.providerStatus ?? null,
        set.sentAt ?? false,
      ],
    );
    return result[1] === 1;
  }

  /**
   * Every ledger error is retriable: the touch is redelivered rather than dead-lettered, so a
   * Postgres outage delays reminders instead of losing them (and a row left in `sending` by a
   * failed write after the provider accepted is reported `unknown`, never resent).
   */
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
