import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DependencyUnavailableError, errorMessage } from '@reclaim/core';
import { addressOf, type PushSubscription, type PushTransportName } from './domain/push-subscription';

/** A stored push address, as the send path needs it. */
export type StoredSubscription =
  | { transport: 'web_push'; cartId: string; endpoint: string; p256dh: string; auth: string }
  | { transport: 'fcm'; cartId: string; fcmToken: string };

interface RawRow {
  transport: PushTransportName;
  cart_id: string;
  address: string;
  p256dh: string | null;
  auth: string | null;
}

const toStored = (r: RawRow): StoredSubscription =>
  r.transport === 'web_push'
    ? { transport: 'web_push', cartId: r.cart_id, endpoint: r.address, p256dh: r.p256dh ?? '', auth: r.auth ?? '' }
    : { transport: 'fcm', cartId: r.cart_id, fcmToken: r.address };

/**
 * `push.push_subscriptions`: one web push subscription and one FCM token per (store, cart), the
 * newest by `subscribed_at` winning; and `push.dead_push_addresses`, the addresses push services
 * said no longer exist (kept as hashes), which are never stored again.
 */
@Injectable()
export class PushSubscriptionsRepository {
  constructor(private readonly db: DataSource) {}

  /**
   * Stores a subscription unless a newer one for the cart and transport is already there (ties
   * broken by event id, so replays in any order end the same) or its address is dead. Idempotent.
   */
  async record(s: PushSubscription): Promise<void> {
    await this.query(
      `INSERT INTO push_subscriptions AS s
         (store_id, cart_id, transport, customer_id, address, p256dh, auth, subscribed_at, source_event_id)
       SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9
        WHERE NOT EXISTS (SELECT 1 FROM dead_push_addresses d WHERE d.address_hash = encode(sha256(convert_to($5, 'UTF8')), 'hex'))
       ON CONFLICT (store_id, cart_id, transport) DO UPDATE SET
         customer_id = COALESCE(EXCLUDED.customer_id, s.customer_id),
         address = EXCLUDED.address, p256dh = EXCLUDED.p256dh, auth = EXCLUDED.auth,
         subscribed_at = EXCLUDED.subscribed_at, source_event_id = EXCLUDED.source_event_id, updated_at = now()
       WHERE (EXCLUDED.subscribed_at, EXCLUDED.source_event_id) > (s.subscribed_at, s.source_event_id)`,
      [
        s.storeId,
        s.cartId,
        s.transport,
        s.customerId ?? null,
        addressOf(s),
        s.transport === 'web_push' ? s.p256dh : null,
        s.transport === 'web_push' ? s.auth : null,
        s.subscribedAt,
        s.sourceEventId,
      ],
    );
  }

  /**
   * The address to send a cart's card to, among the given transports: the cart's own newest,
   * else the newest of the same customer's other carts in the store.
   */
  async findFor(
    storeId: string,
    cartId: string,
    customerId: string | undefined,
    transports: readonly PushTransportName[],
  ): Promise<StoredSubscription | undefined> {
    const rows: RawRow[] = await this.query(
      `SELECT transport, cart_id, address, p256dh, auth FROM push_subscriptions
        WHERE store_id = $1 AND transport = ANY($4::text[])
          AND (cart_id = $2 OR ($3::text IS NOT NULL AND customer_id = $3))
        ORDER BY (cart_id = $2) DESC, subscribed_at DESC
        LIMIT 1`,
      [storeId, cartId, customerId ?? null, [...transports]],
    );
    return rows[0] ? toStored(rows[0]) : undefined;
  }

  /** A push service said this address is gone: delete it from every cart, and never store it again. */
  async forget(transport: PushTransportName, address: string, reason: string): Promise<number> {
    const result: [unknown[], number] = await this.query(
      `WITH dead AS (
         INSERT INTO dead_push_addresses (address_hash, transport, reason)
         VALUES (encode(sha256(convert_to($1, 'UTF8')), 'hex'), $2, $3)
         ON CONFLICT (address_hash) DO NOTHING
       )
       DELETE FROM push_subscriptions WHERE address = $1`,
      [address, transport, reason],
    );
    return result[1];
  }

  private async query<T>(sql: string, params: unknown[]): Promise<T> {
    try {
      const result: T = await this.db.query(sql, params);
      return result;
    } catch (error) {
      throw new DependencyUnavailableError(`push subscriptions: ${errorMessage(error)}`, { cause: error });
    }
  }
}
