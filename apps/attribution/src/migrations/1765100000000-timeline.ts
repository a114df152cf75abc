import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Cart timelines (apps/attribution/src/timeline): one row per thing that happened to a cart, with
 * its reason in words. `source_id` (the record's CloudEvents id, or for suppressions the event that
 * caused them) is unique per store and kind, so a redelivered record adds nothing. `cart_id` is
 * null only for a suppression known by its order, which joins the cart of that order.
 */
export class Timeline1765100000000 implements MigrationInterface {
  name = 'Timeline1765100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE cart_timeline (
        id bigserial PRIMARY KEY,
        store_id text NOT NULL,
        cart_id text,
        order_id text,
        at timestamptz NOT NULL,
        kind text NOT NULL,
        text text NOT NULL,
        detail jsonb NOT NULL,
        source_id text NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT cart_timeline_source UNIQUE (store_id, source_id, kind),
        CONSTRAINT cart_timeline_owner CHECK (cart_id IS NOT NULL OR order_id IS NOT NULL)
      )`);
    await q.query('CREATE INDEX cart_timeline_cart ON cart_timeline (store_id, cart_id, at)');
    await q.query('CREATE INDEX cart_timeline_order ON cart_timeline (store_id, order_id) WHERE order_id IS NOT NULL');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE cart_timeline');
  }
}
