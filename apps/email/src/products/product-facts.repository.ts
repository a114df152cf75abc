import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DependencyUnavailableError, errorMessage } from '@reclaim/core';
import type { ProductFact } from '../content/domain/current-cart';
import type { ProductObservation } from './domain/product-observations';

/** A field newer than the stored one replaces it; an older or equally old one, or none, leaves it. */
const newer = (field: string, at: string) =>
  `CASE WHEN EXCLUDED.${at} IS NOT NULL AND (f.${at} IS NULL OR EXCLUDED.${at} > f.${at})
        THEN EXCLUDED.${field} ELSE f.${field} END`;

/** `email.product_facts`: the newest known stock and price per (store, product), field by field. */
@Injectable()
export class ProductFactsRepository {
  constructor(private readonly db: DataSource) {}

  /**
   * Records what events said about products. Per field, the newest `occurredAt` wins: a replayed
   * or late older event never overwrites a newer fact, a field an event left out keeps its value,
   * and recording the same observation twice changes nothing (idempotent). One statement, so
   * concurrent events about one product (from different carts' partitions) cannot interleave.
   */
  async recordObservations(storeId: string, observations: readonly ProductObservation[]): Promise<void> {
    if (observations.length === 0) return;
    const byProduct = new Map(observations.map((o) => [o.productId, o])); // one row per product per statement
    const rows = [...byProduct.values()];
    try {
      await this.db.query(
        `INSERT INTO product_facts AS f
           (store_id, product_id, in_stock, in_stock_at, unit_price, price_currency, unit_price_at)
         SELECT $1, o.product_id, o.in_stock,
                CASE WHEN o.in_stock IS NULL THEN NULL ELSE o.occurred_at END,
                o.unit_price, CASE WHEN o.unit_price IS NULL THEN NULL ELSE o.currency END,
                CASE WHEN o.unit_price IS NULL THEN NULL ELSE o.occurred_at END
           FROM unnest($2::text[], $3::timestamptz[], $4::boolean[], $5::bigint[], $6::text[])
                AS o(product_id, occurred_at, in_stock, unit_price, currency)
         ON CONFLICT (store_id, product_id) DO UPDATE SET
           in_stock = ${newer('in_stock', 'in_stock_at')},
           in_stock_at = ${newer('in_stock_at', 'in_stock_at')},
           unit_price = ${newer('unit_price', 'unit_price_at')},
           price_currency = ${newer('price_currency', 'unit_price_at')},
           unit_price_at = ${newer('unit_price_at', 'unit_price_at')},
           updated_at = now()`,
        [
          storeId,
          rows.map((o) => o.productId),
          rows.map((o) => o.occurredAt),
          rows.map((o) => o.inStock ?? null),
          rows.map((o) => (o.unitPrice === undefined ? null : String(o.unitPrice))),
          rows.map((o) => o.currency ?? null),
        ],
      );
    } catch (error) {
      throw new DependencyUnavailableError(`product facts: ${errorMessage(error)}`, { cause: error });
    }
  }

  /** The current facts for these products of a store (products with none are absent from the map). */
  async currentFacts(storeId: string, productIds: readonly string[]): Promise<Map<string, ProductFact>> {
    const facts = new Map<string, ProductFact>();
    if (productIds.length === 0) return facts;
    let rows: Array<{
      product_id: string;
      in_stock: boolean | null;
      unit_price: string | null;
      price_currency: string | null;
    }>;
    try {
      rows = await this.db.query(
        `SELECT product_id, in_stock, unit_price, price_currency
           FROM product_facts WHERE store_id = $1 AND product_id = ANY($2::text[])`,
        [storeId, [...new Set(productIds)]],
      );
    } catch (error) {
      throw new DependencyUnavailableError(`product facts: ${errorMessage(error)}`, { cause: error });
    }
    for (const row of rows) {
      const fact: ProductFact = {};
      if (row.in_stock !== null) fact.inStock = row.in_stock;
      if (row.unit_price !== null) fact.unitPrice = Number(row.unit_price);
      if (row.price_currency !== null) fact.currency = row.price_currency;
      facts.set(row.product_id, fact);
    }
    return facts;
  }
}
