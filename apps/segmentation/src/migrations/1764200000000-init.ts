import type { MigrationInterface, QueryRunner } from 'typeorm';
import { INBOX_TABLE_SQL } from '@reclaim/persistence';

export class Init1764200000000 implements MigrationInterface {
  name = 'Init1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(INBOX_TABLE_SQL);
    await q.query(`
      CREATE TABLE carts (
        store_id text NOT NULL,
        cart_id text NOT NULL,
        customer jsonb NOT NULL DEFAULT '{}'::jsonb,
        consent jsonb NOT NULL,
        cart jsonb,
        item_count integer NOT NULL DEFAULT 0,
        stage text NOT NULL CHECK (stage IN ('cart', 'checkout')),
        last_activity_at timestamptz,
        status text NOT NULL CHECK (status IN ('open', 'abandoned', 'ordered')),
        order_id text,
        abandonment_id text,
        abandoned_at timestamptz,
        events_applied integer NOT NULL DEFAULT 0,
        last_event_id text,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (store_id, cart_id)
      )`);
    // The sweep only ever looks at open carts that can be abandoned.
    await q.query(`
      CREATE INDEX carts_open_by_activity ON carts (last_activity_at)
        WHERE status = 'open' AND item_count > 0`);
    await q.query(`
      CREATE TABLE products (
        store_id text NOT NULL,
        product_id text NOT NULL,
        in_stock boolean,
        unit_price bigint,
        updated_at timestamptz NOT NULL,
        PRIMARY KEY (store_id, product_id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE products');
    await q.query('DROP TABLE carts');
    await q.query('DROP TABLE processed_events');
  }
}
