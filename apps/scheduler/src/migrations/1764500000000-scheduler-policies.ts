import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Scheduler policies (caps, quiet hours, deferral): who a touch is for (`shopper_key`), when it
 * really went out (`dispatched_at`), and what deferral did to it (`original_due_at` is the
 * planned due time, kept on the first deferral; `deferred_reason`; `deferrals`).
 */
export class SchedulerPolicies1764500000000 implements MigrationInterface {
  name = 'SchedulerPolicies1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE touches
        ADD COLUMN shopper_key text,
        ADD COLUMN dispatched_at timestamptz,
        ADD COLUMN original_due_at timestamptz,
        ADD COLUMN deferred_reason text,
        ADD COLUMN deferrals integer NOT NULL DEFAULT 0`);
    // Same spelling as domain/policies/shopper-key.ts: customer id, else email, else cart.
    await q.query(`
      UPDATE touches SET shopper_key = CASE
        WHEN payload->'customer'->>'id' IS NOT NULL THEN 'customer:' || store_id || ':' || (payload->'customer'->>'id')
        WHEN payload->'customer'->>'email' IS NOT NULL
          THEN 'contact:email:' || store_id || ':' || lower(payload->'customer'->>'email')
        ELSE 'cart:' || store_id || ':' || cart_id
      END`);
    await q.query(`UPDATE touches SET dispatched_at = updated_at WHERE status = 'dispatched'`);
    await q.query('ALTER TABLE touches ALTER COLUMN shopper_key SET NOT NULL');
    await q.query(
      `CREATE INDEX touches_shopper_sends ON touches (shopper_key, dispatched_at) WHERE status = 'dispatched'`,
    );
    await q.query(`CREATE INDEX touches_cart_sends ON touches (store_id, cart_id) WHERE status = 'dispatched'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX touches_cart_sends');
    await q.query('DROP INDEX touches_shopper_sends');
    await q.query(`
      ALTER TABLE touches
        DROP COLUMN deferrals,
        DROP COLUMN deferred_reason,
        DROP COLUMN original_due_at,
        DROP COLUMN dispatched_at,
        DROP COLUMN shopper_key`);
  }
}
