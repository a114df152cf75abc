import type { MigrationInterface, QueryRunner } from 'typeorm';

/** One row per push touch; the statuses already cover the provider adapter that comes later. */
export class SendLedger1764300000003 implements MigrationInterface {
  name = 'SendLedger1764300000003';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE send_ledger (
        touch_id text PRIMARY KEY,
        abandonment_id text NOT NULL,
        store_id text NOT NULL,
        cart_id text NOT NULL,
        sequence integer NOT NULL,
        status text NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'skipped', 'unknown')),
        reason text,
        attempts integer NOT NULL DEFAULT 0,
        provider_message_id text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE send_ledger');
  }
}
