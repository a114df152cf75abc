import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { z } from 'zod';
import { Cart, CheckoutErrorCodes, Customer } from '@reclaim/contracts';
import { CHECKOUT_STEPS, type CartStage, type CartState, type CartStatus } from './domain/cart-state';

interface CartRow {
  store_id: string;
  cart_id: string;
  customer: unknown;
  consent: unknown;
  cart: unknown;
  stage: string;
  last_activity_at: Date | null;
  status: string;
  abandonment_id: string | null;
  order_id: string | null;
  events_applied: number;
  last_event_id: string | null;
  checkout_step: string | null;
  last_checkout_error: string | null;
  shipping_estimate_viewed: boolean;
  device: string | null;
  push_subscribed: boolean;
}

const ConsentColumn = z.object({ email: z.boolean(), sms: z.boolean(), push: z.boolean() });
const StageColumn = z.enum(['cart', 'checkout']);
const StatusColumn = z.enum(['open', 'abandoned', 'ordered']);
const StepColumn = z.enum(CHECKOUT_STEPS).nullable();
const ErrorColumn = z.enum(CheckoutErrorCodes).nullable();
const DeviceColumn = z.enum(['desktop', 'mobile', 'tablet', 'app']).nullable();

function toCartState(row: CartRow): CartState {
  const stage: CartStage = StageColumn.parse(row.stage);
  const status: CartStatus = StatusColumn.parse(row.status);
  return {
    storeId: row.store_id,
    cartId: row.cart_id,
    customer: Customer.parse(row.customer),
    consent: ConsentColumn.parse(row.consent),
    cart: row.cart === null ? null : Cart.parse(row.cart),
    stage,
    lastActivityAt: row.last_activity_at,
    status,
    abandonmentId: row.abandonment_id,
    orderId: row.order_id,
    eventsApplied: row.events_applied,
    lastEventId: row.last_event_id,
    checkoutStep: StepColumn.parse(row.checkout_step),
    lastCheckoutError: ErrorColumn.parse(row.last_checkout_error),
    shippingEstimateViewed: row.shipping_estimate_viewed,
    device: DeviceColumn.parse(row.device),
    pushSubscribed: row.push_subscribed,
  };
}

export interface AbandonedMark {
  storeId: string;
  cartId: string;
  abandonmentId: string;
}

/** Cart state and the store's product facts, in the segmentation schema. */
@Injectable()
export class CartStateRepository {
  constructor(private readonly db: DataSource) {}

  transaction<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }

  /** The cart's state, locked until the transaction ends; undefined for a cart never seen. */
  async lockCart(tx: EntityManager, storeId: string, cartId: string): Promise<CartState | undefined> {
    const rows: CartRow[] = await tx.query('SELECT * FROM carts WHERE store_id = $1 AND cart_id = $2 FOR UPDATE', [
      storeId,
      cartId,
    ]);
    const row = rows[0];
    return row ? toCartState(row) : undefined;
  }

  async findCart(storeId: string, cartId: string): Promise<CartState | undefined> {
    const rows: CartRow[] = await this.db.query('SELECT * FROM carts WHERE store_id = $1 AND cart_id = $2', [
      storeId,
      cartId,
    ]);
    const row = rows[0];
    return row ? toCartState(row) : undefined;
  }

  async saveCart(tx: EntityManager, s: CartState): Promise<void> {
    await tx.query(
      `INSERT INTO carts (store_id, cart_id, customer, consent, cart, item_count, stage, last_activity_at, status,
                          order_id, events_applied, last_event_id, checkout_step, last_checkout_error,
                          shipping_estimate_viewed, device, push_subscribed, updated_at)
       VALUES ($1, $2, $3::jsonb, $4::jsonb, $5::jsonb, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, now())
       ON CONFLICT (store_id, cart_id) DO UPDATE SET
         customer = EXCLUDED.customer, consent = EXCLUDED.consent, cart = EXCLUDED.cart,
         item_count = EXCLUDED.item_count, stage = EXCLUDED.stage, last_activity_at = EXCLUDED.last_activity_at,
         status = EXCLUDED.status, order_id = EXCLUDED.order_id, events_applied = EXCLUDED.events_applied,
         last_event_id = EXCLUDED.last_event_id, checkout_step = EXCLUDED.checkout_step,
         last_checkout_error = EXCLUDED.last_checkout_error, shipping_estimate_viewed = EXCLUDED.shipping_estimate_viewed,
         device = EXCLUDED.device, push_subscribed = EXCLUDED.push_subscribed, updated_at = now()`,
      [
        s.storeId,
        s.cartId,
        JSON.stringify(s.customer),
        JSON.stringify(s.consent),
        s.cart === null ? null : JSON.stringify(s.cart),
        s.cart?.items.length ?? 0,
        s.stage,
        s.lastActivityAt,
        s.status,
        s.orderId,
        s.eventsApplied,
        s.lastEventId,
        s.checkoutStep,
        s.lastCheckoutError,
        s.shippingEstimateViewed,
        s.device,
        s.pushSubscribed,
      ],
    );
  }

  /** Keeps the newest known stock and price per product (used by later issues for message content). */
  async recordProduct(
    tx: EntityManager,
    storeId: string,
    product: { productId: string; inStock?: boolean | undefined; unitPrice?: number | undefined },
    at: Date,
  ): Promise<void> {
    await tx.query(
      `INSERT INTO products (store_id, product_id, in_stock, unit_price, updated_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (store_id, product_id) DO UPDATE SET
         in_stock = COALESCE(EXCLUDED.in_stock, products.in_stock),
         unit_price = COALESCE(EXCLUDED.unit_price, products.unit_price),
         updated_at = EXCLUDED.updated_at
       WHERE products.updated_at <= EXCLUDED.updated_at`,
      [storeId, product.productId, product.inStock ?? null, product.unitPrice ?? null, at],
    );
  }

  /**
   * Open, non-empty carts idle past their stage's cutoff, oldest first, locked for this
   * transaction. SKIP LOCKED lets several instances sweep at once without taking the same cart.
   */
  async lockIdleCarts(tx: EntityManager, cutoffs: Record<CartStage, Date>, limit: number): Promise<CartState[]> {
    const rows: CartRow[] = await tx.query(
      `SELECT * FROM carts
        WHERE status = 'open' AND item_count > 0 AND last_activity_at IS NOT NULL
          AND ((stage = 'cart' AND last_activity_at <= $1) OR (stage = 'checkout' AND last_activity_at <= $2))
        ORDER BY last_activity_at
        LIMIT $3
        FOR UPDATE SKIP LOCKED`,
      [cutoffs.cart, cutoffs.checkout, limit],
    );
    return rows.map(toCartState);
  }

  async markAbandoned(tx: EntityManager, marks: ReadonlyArray<AbandonedMark>, abandonedAt: Date): Promise<void> {
    if (marks.length === 0) return;
    await tx.query(
      `UPDATE carts c SET status = 'abandoned', abandonment_id = v.abandonment_id, abandoned_at = $4, updated_at = now()
         FROM unnest($1::text[], $2::text[], $3::text[]) AS v(store_id, cart_id, abandonment_id)
        WHERE c.store_id = v.store_id AND c.cart_id = v.cart_id AND c.status = 'open'`,
      [marks.map((m) => m.storeId), marks.map((m) => m.cartId), marks.map((m) => m.abandonmentId), abandonedAt],
    );
  }
}
