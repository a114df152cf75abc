import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The incentive ledger remembers which sequence each incentive rides on (cart, shopper key, the
 * cart's last activity), so a pending incentive of a sequence that a newer cart of the same
 * shopper supersedes does not deny the newer one its own. Older rows have none and keep counting.
 */
export class IncentiveOwner1764800000000 implements MigrationInterface {
  name = 'IncentiveOwner1764800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE issued_incentives
        ADD COLUMN cart_id text,
        ADD COLUMN shopper_key text,
        ADD COLUMN last_activity_at timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      'ALTER TABLE issued_incentives DROP COLUMN last_activity_at, DROP COLUMN shopper_key, DROP COLUMN cart_id',
    );
  }
}
