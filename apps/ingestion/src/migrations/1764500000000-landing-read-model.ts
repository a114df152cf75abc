import type { MigrationInterface, QueryRunner } from 'typeorm';

export class LandingReadModel1764500000000 implements MigrationInterface {
  name = 'LandingReadModel1764500000000';

  async up(q: QueryRunner): Promise<void> {
    // The landing page's view of a cart, from reclaim.storefront-events.v1: its newest contents
    // (by occurredAt: a late older event never overwrites them) and when it was ordered.
    await q.query(`
      CREATE TABLE landing_carts (
        store_id text NOT NULL,
        cart_id text NOT NULL,
        currency text,
        items jsonb,
        timezone text,
        contents_at timestamptz,
        ordered_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (store_id, cart_id)
      )`);
    // product.updated facts: the newest stock and price per product, field by field.
    await q.query(`
      CREATE TABLE landing_products (
        store_id text NOT NULL,
        product_id text NOT NULL,
        in_stock boolean,
        in_stock_at timestamptz,
        unit_price bigint,
        unit_price_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (store_id, product_id)
      )`);
    // The incentive a touch carried (reclaim.incentives.v1): its landing page shows the code.
    await q.query(`
      CREATE TABLE landing_incentives (
        store_id text NOT NULL,
        touch_id text NOT NULL,
        cart_id text NOT NULL,
        code text NOT NULL,
        kind text NOT NULL,
        expires_at timestamptz NOT NULL,
        PRIMARY KEY (store_id, touch_id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE landing_incentives');
    await q.query('DROP TABLE landing_products');
    await q.query('DROP TABLE landing_carts');
  }
}
