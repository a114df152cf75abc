import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { TouchDue } from '@reclaim/contracts';
import { DependencyUnavailableError, errorMessage } from '@reclaim/core';
import { recipientOf, type Recipient } from '@reclaim/suppression';
import { PUSH_CONFIG, type PushConfig } from '../config';
import { pushTopic } from '../delivery/domain/resume-card';
import type { StoredSubscription } from '../subscriptions/push-subscriptions.repository';
import { cardScopes } from './domain/card-withdrawal';

/** A card a touch sent (or is sending), as a withdrawal needs it. */
export interface PushCard {
  touchId: string;
  storeId: string;
  cartId: string;
  tag: string;
  device: StoredSubscription;
  recipient: Recipient;
  /** The touch's send ledger status (`sent` is the only one withdrawn). */
  ledgerStatus: string | undefined;
  /** An attempt is in flight (between its last suppression check and its answer): wait for it. */
  inFlight: boolean;
}

export type WithdrawalStatus = 'pending' | 'sent' | 'failed' | 'unknown';

interface CardRow {
  touch_id: string;
  store_id: string;
  cart_id: string;
  tag: string;
  transport: 'web_push' | 'fcm';
  address: string;
  p256dh: string | null;
  auth: string | null;
  customer_id: string | null;
  email: string | null;
  phone: string | null;
  last_activity_at: Date | null;
  abandoned_at: Date | null;
  ledger_status: string | null;
  in_flight: boolean;
}

const toCard = (r: CardRow): PushCard => ({
  touchId: r.touch_id,
  storeId: r.store_id,
  cartId: r.cart_id,
  tag: r.tag,
  device:
    r.transport === 'web_push'
      ? { transport: 'web_push', cartId: r.cart_id, endpoint: r.address, p256dh: r.p256dh ?? '', auth: r.auth ?? '' }
      : { transport: 'fcm', cartId: r.cart_id, fcmToken: r.address },
  recipient: {
    storeId: r.store_id,
    cartId: r.cart_id,
    channel: 'push',
    customerId: r.customer_id ?? undefined,
    email: r.email ?? undefined,
    phone: r.phone ?? undefined,
    lastActivityAt: r.last_activity_at ?? undefined,
    abandonedAt: r.abandoned_at ?? undefined,
  },
  ledgerStatus: r.ledger_status ?? undefined,
  inFlight: r.in_flight,
});

const addressOf = (d: StoredSubscription): string => (d.transport === 'web_push' ? d.endpoint : d.fcmToken);

/** One withdrawal's key: a cart's card on one device. */
export interface WithdrawalKey {
  storeId: string;
  cartId: string;
  transport: StoredSubscription['transport'];
  address: string;
}

export const withdrawalKeyOf = (card: PushCard): WithdrawalKey => ({
  storeId: card.storeId,
  cartId: card.cartId,
  transport: card.device.transport,
  address: addressOf(card.device),
});

const HASH = (param: string) => `encode(sha256(convert_to(${param}, 'UTF8')), 'hex')`;

/**
 * `push.push_cards` (which card each touch sent, to which device, for whom) and
 * `push.card_withdrawals` (one withdrawal per cart and device).
 *
 * The send path records its card before its last suppression check and holds a lease on it
 * (`attempt_until`) until the answer is recorded. So an order suppression the check did not see was
 * produced after the card row was committed, and the withdrawal consumer that reads it finds the
 * card: in flight (it waits) or settled (it withdraws a `sent` one).
 */
@Injectable()
export class PushCardsRepository {
  private readonly logger = new Logger(PushCardsRepository.name);
  private readonly leaseMs: number;

  constructor(
    private readonly db: DataSource,
    @Inject(PUSH_CONFIG) config: PushConfig,
  ) {
    // Up to three barrier waits, then the request and its answer; a crashed attempt's lease runs out.
    this.leaseMs = 3 * config.SUPPRESSION_BARRIER_TIMEOUT_MS + config.PUSH_REQUEST_TIMEOUT_MS + 30_000;
  }

  /** Before the last suppression check: this touch's card goes (or may go) to this device. */
  async beginAttempt(touch: TouchDue, device: StoredSubscription): Promise<void> {
    const r = recipientOf(touch);
    await this.query(
      `INSERT INTO push_cards AS c (touch_id, store_id, cart_id, tag, transport, address, p256dh, auth, customer_id,
                              email, phone, last_activity_at, abandoned_at, scopes, attempt_until)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, now() + make_interval(secs => $15))
       ON CONFLICT (touch_id) DO UPDATE SET
         transport = EXCLUDED.transport, address = EXCLUDED.address, p256dh = EXCLUDED.p256dh, auth = EXCLUDED.auth,
         attempt_until = EXCLUDED.attempt_until`,
      [
        touch.touchId,
        touch.storeId,
        touch.cartId,
        pushTopic(touch.storeId, touch.cartId),
        device.transport,
        addressOf(device),
        device.transport === 'web_push' ? device.p256dh : null,
        device.transport === 'web_push' ? device.auth : null,
        r.customerId ?? null,
        r.email ?? null,
        r.phone ?? null,
        r.lastActivityAt ?? null,
        r.abandonedAt ?? null,
        cardScopes(r),
        this.leaseMs / 1000,
      ],
    );
  }

  /** The attempt is over (its outcome is in the send ledger). Never throws: a lease left behind runs out. */
  async endAttempt(touchId: string): Promise<void> {
    try {
      await this.db.query('UPDATE push_cards SET attempt_until = NULL WHERE touch_id = $1', [touchId]);
    } catch (error) {
      this.logger.warn({
        msg: 'could not end a card attempt; its lease will run out',
        touchId,
        error: errorMessage(error),
      });
    }
  }

  /** The cards found by a suppression scope, with their send ledger status. */
  async foundBy(storeId: string, scope: string): Promise<PushCard[]> {
    const rows: CardRow[] = await this.query(
      `SELECT c.*, l.status AS ledger_status, COALESCE(c.attempt_until > now(), false) AS in_flight
         FROM push_cards c LEFT JOIN send_ledger l ON l.touch_id = c.touch_id
        WHERE c.store_id = $1 AND c.scopes @> ARRAY[$2::text]`,
      [storeId, scope],
    );
    return rows.map(toCard);
  }

  /**
   * Takes the withdrawal for a cart and device: true when it is new or was released for a retry;
   * false when it is done or another handler is sending it (never sent twice).
   */
  async claimWithdrawal(key: WithdrawalKey, sourceEventId: string): Promise<boolean> {
    const rows: unknown[] = await this.query(
      `INSERT INTO card_withdrawals AS w (store_id, cart_id, transport, address_hash, status, attempts, source_event_id)
       VALUES ($1, $2, $3, ${HASH('$4')}, 'sending', 1, $5)
       ON CONFLICT (store_id, cart_id, transport, address_hash) DO UPDATE
         SET status = 'sending', attempts = w.attempts + 1, updated_at = now()
         WHERE w.status = 'pending'
       RETURNING 1`,
      [key.storeId, key.cartId, key.transport, key.address, sourceEventId],
    );
    return rows.length === 1;
  }

  async finishWithdrawal(
    key: WithdrawalKey,
    status: WithdrawalStatus,
    reason: string | undefined,
    providerMessageId?: string,
  ): Promise<void> {
    await this.query(
      `UPDATE card_withdrawals SET status = $5, reason = $6, provider_message_id = $7, updated_at = now()
        WHERE store_id = $1 AND cart_id = $2 AND transport = $3 AND address_hash = ${HASH('$4')}`,
      [key.storeId, key.cartId, key.transport, key.address, status, reason ?? null, providerMessageId ?? null],
    );
  }

  /** A push service said the address is gone. */
  async isDead(address: string): Promise<boolean> {
    const rows: unknown[] = await this.query(`SELECT 1 FROM dead_push_addresses WHERE address_hash = ${HASH('$1')}`, [
      address,
    ]);
    return rows.length > 0;
  }

  private async query<T>(sql: string, params: unknown[]): Promise<T> {
    try {
      const result: T = await this.db.query(sql, params);
      return result;
    } catch (error) {
      throw new DependencyUnavailableError(`push cards: ${errorMessage(error)}`, { cause: error });
    }
  }
}
