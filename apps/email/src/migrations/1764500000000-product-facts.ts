import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ProductFacts1764500000000 implements MigrationInterface {
  name = 'ProductFacts1764500000000';

  async up(q: QueryRunner): Promise<void> {
    // What the email service currently knows about each product, from product.updated and cart
    // events. Each field carries the occurredAt of the event that set it: newest wins per field.
    await q.query(`
      CREATE TABLE product_facts (
        store_id text NOT NULL,
        product_id text NOT NULL,
        in_stock boolean,
        in_stock_at timestamptz,
        unit_price bigint,
        price_currency text,
        unit_price_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (store_id, product_id),
        CHECK ((in_stock IS NULL) = (in_stock_at IS NULL)),
        CHECK ((unit_price IS NULL) = (unit_price_at IS NULL)),
        CHECK (unit_price IS NULL OR unit_price >= 0)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE product_facts');
  }
}
