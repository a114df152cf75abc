import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CartItem, IncentiveKinds, type IncentiveIssued, type IncentiveKind } from '@reclaim/contracts';
import { DependencyUnavailableError, errorMessage } from '@reclaim/core';
import type { LandingIncentive, LandingWrites } from './domain/landing-writes';

/** A cart as the landing read model knows it. */
export interface LandingCart {
  storeId: string;
  cartId: string;
  /** Null when only the order is known (its cart events not read yet, or without a cart). */
  currency: string | null;
  items: CartItem[] | null;
  timezone: string | null;
  contentsAt: Date | null;
  orderedAt: Date | null;
}

/** A product's newest known facts, each with the time it was true. */
export interface ProductFact {
  inStock?: { value: boolean; at: Date };
  unitPrice?: { value: number; at: Date };
}

/** What the landing page of one touch needs. */
export interface LandingData {
  cart: LandingCart;
  facts: Map<string, ProductFact>;
  incentive?: LandingIncentive;
}

/** A field newer than the stored one replaces it; an older or equally old one, or none, leaves it. */
const newer = (field: string, at: string) =>
  `CASE WHEN EXCLUDED.${at} IS NOT NULL AND (p.${at} IS NULL OR EXCLUDED.${at} > p.${at})
        THEN EXCLUDED.${field} ELSE p.${field} END`;

const unavailable = (error: unknown) =>
  new DependencyUnavailableError(`landing read model: ${errorMessage(error)}`, { cause: error });

/**
 * `ingestion.landing_*`: ingestion's own view of carts, product facts and incentives, fed from the
 * topics (never read from another service's schema). Every write is idempotent and monotone: a
 * record applied twice, or an older one applied after a newer one, changes nothing.
 */
@Injectable()
export class LandingReadModelRepository {
  constructor(private readonly db: DataSource) {}

  async apply(storeId: string, writes: LandingWrites): Promise<void> {
    try {
      if (writes.contents) {
        const c = writes.contents;
        // Only strictly newer contents replace the stored ones (a redelivery is equally old).
        await this.db.query(
          `INSERT INTO landing_carts AS c (store_id, cart_id, currency, items, timezone, contents_at)
           VALUES ($1, $2, $3, $4::jsonb, $5, $6)
           ON CONFLICT (store_id, cart_id) DO UPDATE SET
             currency = EXCLUDED.currency, items = EXCLUDED.items,
             timezone = COALESCE(EXCLUDED.timezone, c.timezone),
             contents_at = EXCLUDED.contents_at, updated_at = now()
           WHERE c.contents_at IS NULL OR EXCLUDED.contents_at > c.contents_at`,
          [storeId, c.cartId, c.currency, JSON.stringify(c.items), c.timezone ?? null, c.occurredAt],
        );
      }
      if (writes.ordered) {
        await this.db.query(
          `INSERT INTO landing_carts AS c (store_id, cart_id, ordered_at) VALUES ($1, $2, $3)
           ON CONFLICT (store_id, cart_id) DO UPDATE SET ordered_at = EXCLUDED.ordered_at, updated_at = now()
           WHERE c.ordered_at IS NULL OR EXCLUDED.ordered_at > c.ordered_at`,
          [storeId, writes.ordered.cartId, writes.ordered.occurredAt],
        );
      }
      if (writes.product) {
        const p = writes.product;
        await this.db.query(
          `INSERT INTO landing_products AS p (store_id, product_id, in_stock, in_stock_at, unit_price, unit_price_at)
           VALUES ($1, $2, $3, CASE WHEN $3::boolean IS NULL THEN NULL ELSE $5::timestamptz END,
                   $4, CASE WHEN $4::bigint IS NULL THEN NULL ELSE $5::timestamptz END)
           ON CONFLICT (store_id, product_id) DO UPDATE SET
             in_stock = ${newer('in_stock', 'in_stock_at')},
             in_stock_at = ${newer('in_stock_at', 'in_stock_at')},
             unit_price = ${newer('unit_price', 'unit_price_at')},
             unit_price_at = ${newer('unit_price_at', 'unit_price_at')},
             updated_at = now()`,
          [
            storeId,
            p.productId,
            p.inStock ?? null,
            p.unitPrice === undefined ? null : String(p.unitPrice),
            p.occurredAt,
          ],
        );
      }
    } catch (error) {
      throw unavailable(error);
    }
  }

  /** Keeps a touch's code; the same touch issued again (a redelivery) changes nothing. */
  async recordIncentive(incentive: IncentiveIssued): Promise<void> {
    try {
      await this.db.query(
        `INSERT INTO landing_incentives (store_id, touch_id, cart_id, code, kind, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (store_id, touch_id) DO NOTHING`,
        [incentive.storeId, incentive.touchId, incentive.cartId, incentive.code, incentive.kind, incentive.expiresAt],
      );
    } catch (error) {
      throw unavailable(error);
    }
  }

  /** The cart, its products' facts and the touch's incentive; undefined when the cart is not known yet. */
  async load(storeId: string, cartId: string, touchId: string): Promise<LandingData | undefined> {
    const carts: Array<{
      currency: string | null;
      items: unknown;
      timezone: string | null;
      contents_at: Date | null;
      ordered_at: Date | null;
    }> = await this.db.query(
      `SELECT currency, items, timezone, contents_at, ordered_at FROM landing_carts
        WHERE store_id = $1 AND cart_id = $2`,
      [storeId, cartId],
    );
    const row = carts[0];
    if (!row) return undefined;
    // What was stored passed the contract on the way in; read it back through it all the same.
    const items = row.items === null ? null : CartItem.array().parse(row.items);
    const cart: LandingCart = {
      storeId,
      cartId,
      currency: row.currency,
      items,
      timezone: row.timezone,
      contentsAt: row.contents_at,
      orderedAt: row.ordered_at,
    };
    const productIds = [...new Set((items ?? []).flatMap((i) => (i.productId ? [i.productId] : [])))];
    const facts = new Map<string, ProductFact>();
    if (productIds.length > 0) {
      const rows: Array<{
        product_id: string;
        in_stock: boolean | null;
        in_stock_at: Date | null;
        unit_price: string | null;
        unit_price_at: Date | null;
      }> = await this.db.query(
        `SELECT product_id, in_stock, in_stock_at, unit_price, unit_price_at FROM landing_products
          WHERE store_id = $1 AND product_id = ANY($2::text[])`,
        [storeId, productIds],
      );
      for (const r of rows) {
        const fact: ProductFact = {};
        if (r.in_stock !== null && r.in_stock_at) fact.inStock = { value: r.in_stock, at: r.in_stock_at };
        if (r.unit_price !== null && r.unit_price_at)
          fact.unitPrice = { value: Number(r.unit_price), at: r.unit_price_at };
        facts.set(r.product_id, fact);
      }
    }
    const incentives: Array<{ cart_id: string; code: string; kind: string; expires_at: Date }> = await this.db.query(
      `SELECT cart_id, code, kind, expires_at FROM landing_incentives WHERE store_id = $1 AND touch_id = $2`,
      [storeId, touchId],
    );
    const found = incentives[0];
    const kind = IncentiveKinds.find((k): k is IncentiveKind => k === found?.kind);
    const data: LandingData = { cart, facts };
    if (found && kind && found.cart_id === cartId)
      data.incentive = { code: found.code, kind, cartId: found.cart_id, expiresAt: found.expires_at };
    return data;
  }
}
