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
  /** Times the recipient turned the touch away for now (retried from the ledger; capped). */
  retries: number;
  /** Set while the ledger owns the touch: when it is next attempted (retry, quiet hours). */
  nextAttemptAt: Date | null;
  /** When the latest hand-off to the provider started (pending → sending). */
  handoffStartedAt: Date | null;
  /** SMS: the segments the message went out in (what the provider bills). */
  segments: number | null;
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
  retries: number;
  next_attempt_at: Date | null;
  handoff_started_at: Date | null;
  segments: number | null;
}

const COLUMNS =
  'touch_id, abandonment_id, store_id, cart_id, sequence, status, reason, attempts, provider_message_id, retries, next_attempt_at, handoff_started_at, ' +
  // Only the SMS ledger has a segments column: read through the row's JSON so every channel's table works.
  "(to_jsonb(send_ledger) ->> 'segments')::int AS segments";

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
  retries: r.retries,
  nextAttemptAt: r.next_attempt_at,
  handoffStartedAt: r.handoff_started_at,
  segments: r.segments,
});

/**
 * What the hand-off pipeline, the attempts and the reporter need of the ledger (a channel's
 * repository may add its own queries).
 */
export type SendLedger = Pick<
  SendLedgerRepository,
  | 'claim'
  | 'find'
  | 'startSending'
  | 'markSent'
  | 'markSkipped'
  | 'markFailed'
  | 'markUnknown'
  | 'releaseForRetry'
  | 'recordFailedAttempt'
  | 'scheduleAttempt'
  | 'recordRefusal'
  | 'claimDueAttempts'
>;

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

  /** Inserts the touch as pending (with its payload, for retries from the ledger), or returns the row it already has. */
  async claim(touch: TouchDue): Promise<LedgerRow> {
    const rows: RawRow[] = await this.query(
      `INSERT INTO send_ledger (touch_id, abandonment_id, store_id, cart_id, sequence, status, touch)
       VALUES ($1, $2, $3, $4, $5, 'pending', $6)
       ON CONFLICT (touch_id) DO UPDATE SET touch = COALESCE(send_ledger.touch, EXCLUDED.touch)
       RETURNING ${COLUMNS}`,
      [touch.touchId, touch.abandonmentId, touch.storeId, touch.cartId, touch.sequence, JSON.stringify(touch)],
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

  /**
   * The ledger takes the touch over: pending (from pending, or from sending when the provider
   * certainly took nothing), next attempted at `at`. `countRetry`: the recipient turned it away
   * (counts towards TOUCH_MAX_ATTEMPTS); otherwise a deferral or an outage that does not count.
   */
  async scheduleAttempt(touchId: string, at: Date, reason: string, countRetry: boolean): Promise<boolean> {
    const result: [unknown[], number] = await this.query(
      `UPDATE send_ledger SET status = 'pending', next_attempt_at = $2, reason = $3,
         retries = retries + $4, updated_at = now()
       WHERE touch_id = $1 AND status = ANY($5)`,
      [touchId, at, reason, countRetry ? 1 : 0, ['pending', ...sourcesOf('pending')]],
    );
    return result[1] === 1;
  }

  /** The recipient turned the touch away and it gets no further attempt: counted, back to pending to be settled. */
  async recordRefusal(touchId: string, reason: string): Promise<void> {
    await this.query(
      `UPDATE send_ledger SET status = 'pending', reason = $2, retries = retries + 1, updated_at = now()
       WHERE touch_id = $1 AND status = ANY($3)`,
      [touchId, reason, ['pending', ...sourcesOf('pending')]],
    );
  }

  /**
   * Up to `limit` touches whose next attempt is due at `now` (pending), or whose attempt from the
   * ledger died mid-send (sending, its lease run out: it is then reported `unknown`, never resent).
   * Each is leased until `now + leaseMs` so no other pass takes it meanwhile.
   */
  async claimDueAttempts(now: Date, limit: number, leaseMs: number): Promise<TouchDue[]> {
    // An UPDATE answers [rows, count] through TypeORM's Postgres driver.
    const [rows]: [Array<{ touch: string }>, number] = await this.query(
      `UPDATE send_ledger SET next_attempt_at = $3
       WHERE touch_id IN (
         SELECT touch_id FROM send_ledger
         WHERE next_attempt_at <= $1 AND status IN ('pending', 'sending') AND touch IS NOT NULL
         ORDER BY next_attempt_at LIMIT $2 FOR UPDATE SKIP LOCKED)
       RETURNING touch`,
      [now, limit, new Date(now.getTime() + leaseMs)],
    );
    return rows.map((r) => JSON.parse(r.touch) as TouchDue);
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
         sent_at = CASE WHEN $7 THEN now() ELSE sent_at END,
         handoff_started_at = CASE WHEN $6 = 1 THEN clock_timestamp() ELSE handoff_started_at END
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
