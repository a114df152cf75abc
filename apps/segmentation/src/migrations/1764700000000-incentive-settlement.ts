import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The incentive ledger learns what became of each planned incentive: one row per shopper identity
 * and incentive touch, settled by that touch's delivery (delivered counts against the cooldown,
 * released no longer does). Rows from before have no touch id ('') and keep counting as planned.
 */
export class IncentiveSettlement1764700000000 implements MigrationInterface {
  name = 'IncentiveSettlement1764700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE issued_incentives
        ADD COLUMN touch_id text NOT NULL DEFAULT '',
        ADD COLUMN touch_sequence integer,
        ADD COLUMN status text NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'delivered', 'released')),
        ADD COLUMN settled_at timestamptz,
        ADD COLUMN delivery_status text,
        ADD COLUMN delivery_reason text`);
    // New rows must name their touch; a plan may carry more than one incentive touch.
    await q.query(`ALTER TABLE issued_incentives ALTER COLUMN touch_id DROP DEFAULT`);
    await q.query(`
      ALTER TABLE issued_incentives
        DROP CONSTRAINT issued_incentives_pkey,
        ADD PRIMARY KEY (store_id, subject, abandonment_id, touch_id)`);
    await q.query('CREATE INDEX issued_incentives_by_touch ON issued_incentives (store_id, touch_id)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX issued_incentives_by_touch');
    // One row per identity and abandonment again: keep the first incentive touch of each.
    await q.query(`
      DELETE FROM issued_incentives a USING issued_incentives b
       WHERE a.store_id = b.store_id AND a.subject = b.subject AND a.abandonment_id = b.abandonment_id
         AND a.touch_id > b.touch_id`);
    await q.query('ALTER TABLE issued_incentives DROP CONSTRAINT issued_incentives_pkey');
    await q.query(`
      ALTER TABLE issued_incentives
        DROP COLUMN touch_id, DROP COLUMN touch_sequence, DROP COLUMN status, DROP COLUMN settled_at,
        DROP COLUMN delivery_status, DROP COLUMN delivery_reason`);
    await q.query('ALTER TABLE issued_incentives ADD PRIMARY KEY (store_id, subject, abandonment_id)');
  }
}
