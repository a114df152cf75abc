import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Cart facts behind the recovery signals, and the ledger of incentives planned per shopper. */
export class RecoverySignals1764400000000 implements MigrationInterface {
  name = 'RecoverySignals1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE carts
        ADD COLUMN checkout_step text CHECK (checkout_step IN ('contact', 'shipping', 'payment', 'review')),
        ADD COLUMN last_checkout_error text,
        ADD COLUMN shipping_estimate_viewed boolean NOT NULL DEFAULT false,
        ADD COLUMN device text,
        ADD COLUMN push_subscribed boolean NOT NULL DEFAULT false`);
    // One row per shopper identity (customer id, email) an incentive was planned for.
    await q.query(`
      CREATE TABLE issued_incentives (
        store_id text NOT NULL,
        subject text NOT NULL,
        abandonment_id text NOT NULL,
        incentive text NOT NULL,
        issued_at timestamptz NOT NULL,
        PRIMARY KEY (store_id, subject, abandonment_id)
      )`);
    await q.query('CREATE INDEX issued_incentives_by_subject ON issued_incentives (store_id, subject, issued_at DESC)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE issued_incentives');
    await q.query(`
      ALTER TABLE carts
        DROP COLUMN checkout_step, DROP COLUMN last_checkout_error, DROP COLUMN shipping_estimate_viewed,
        DROP COLUMN device, DROP COLUMN push_subscribed`);
  }
}
