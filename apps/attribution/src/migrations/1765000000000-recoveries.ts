import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The recovery ledger: what attribution needs from the topics to decide recoveries and report on
 * them. Every table is keyed by what makes a record unique, so a redelivered record changes nothing.
 */
export class Recoveries1765000000000 implements MigrationInterface {
  name = 'Recoveries1765000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE abandonments (
        store_id text NOT NULL,
        abandonment_id text NOT NULL,
        cart_id text NOT NULL,
        -- The hold-out's unit: customer id, else e-mail, else the cart (as segmentation randomises).
        shopper text NOT NULL,
        customer_id text,
        email text,
        holdout boolean NOT NULL,
        holdout_percent real,
        segment text NOT NULL,
        stage text NOT NULL,
        device text,
        country text,
        currency text NOT NULL,
        value bigint NOT NULL,
        abandoned_at timestamptz NOT NULL,
        plan jsonb NOT NULL,
        PRIMARY KEY (store_id, abandonment_id)
      )`);
    await q.query('CREATE INDEX abandonments_by_time ON abandonments (store_id, abandoned_at)');
    await q.query('CREATE INDEX abandonments_by_cart ON abandonments (store_id, cart_id, abandoned_at)');
    await q.query(
      'CREATE INDEX abandonments_by_customer ON abandonments (store_id, customer_id) WHERE customer_id IS NOT NULL',
    );
    await q.query('CREATE INDEX abandonments_by_email ON abandonments (store_id, email) WHERE email IS NOT NULL');
    await q.query(`
      CREATE TABLE deliveries (
        store_id text NOT NULL,
        delivery_id text NOT NULL,
        touch_id text NOT NULL,
        abandonment_id text,
        cart_id text NOT NULL,
        channel text NOT NULL,
        sequence integer,
        status text NOT NULL,
        reason text,
        credited boolean NOT NULL DEFAULT false,
        segments integer,
        at timestamptz NOT NULL,
        PRIMARY KEY (store_id, delivery_id)
      )`);
    await q.query('CREATE INDEX deliveries_by_cart ON deliveries (store_id, cart_id, at)');
    await q.query('CREATE INDEX deliveries_by_time ON deliveries (store_id, at)');
    await q.query(`
      CREATE TABLE incentive_codes (
        store_id text NOT NULL,
        code text NOT NULL,
        touch_id text NOT NULL,
        cart_id text NOT NULL,
        kind text NOT NULL,
        issued_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        PRIMARY KEY (store_id, code)
      )`);
    await q.query('CREATE INDEX incentive_codes_by_cart ON incentive_codes (store_id, cart_id)');
    await q.query(`
      CREATE TABLE orders (
        store_id text NOT NULL,
        order_id text NOT NULL,
        cart_id text NOT NULL,
        customer_id text,
        email text,
        total bigint NOT NULL,
        currency text NOT NULL,
        discount_code text,
        discount_total bigint,
        ordered_at timestamptz NOT NULL,
        -- When this instance read the order (or reopened it): it is decided once the consumer has
        -- caught up with everything published before then (RecoveryDecider), and not before decide_after.
        received_at timestamptz NOT NULL,
        decide_after timestamptz NOT NULL,
        decided boolean NOT NULL DEFAULT false,
        PRIMARY KEY (store_id, order_id)
      )`);
    await q.query('CREATE INDEX orders_undecided ON orders (decide_after) WHERE NOT decided');
    await q.query('CREATE INDEX orders_by_time ON orders (store_id, ordered_at)');
    await q.query('CREATE INDEX orders_by_cart ON orders (store_id, cart_id)');
    await q.query(`
      CREATE TABLE recoveries (
        store_id text NOT NULL,
        cart_id text NOT NULL,
        abandonment_id text NOT NULL,
        order_id text NOT NULL,
        order_cart_id text,
        revenue bigint NOT NULL,
        currency text NOT NULL,
        holdout boolean NOT NULL,
        credit text NOT NULL,
        channel text,
        touch_id text,
        sequence integer,
        angle text,
        segment text NOT NULL,
        incentive_code text,
        hours_to_recover double precision NOT NULL,
        abandoned_at timestamptz NOT NULL,
        recovered_at timestamptz NOT NULL,
        published_at timestamptz,
        -- A cart is recovered once; an order recovers one cart.
        PRIMARY KEY (store_id, cart_id),
        UNIQUE (store_id, order_id)
      )`);
    await q.query('CREATE INDEX recoveries_unpublished ON recoveries (recovered_at) WHERE published_at IS NULL');
    await q.query(`
      CREATE TABLE suppression_events (
        store_id text NOT NULL,
        event_id text NOT NULL,
        reason text NOT NULL,
        at timestamptz NOT NULL,
        PRIMARY KEY (store_id, event_id)
      )`);
    await q.query('CREATE INDEX suppression_events_by_time ON suppression_events (store_id, at)');
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['suppression_events', 'recoveries', 'orders', 'incentive_codes', 'deliveries', 'abandonments'])
      await q.query(`DROP TABLE ${table}`);
  }
}
