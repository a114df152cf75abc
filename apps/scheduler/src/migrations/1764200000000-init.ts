import type { MigrationInterface, QueryRunner } from 'typeorm';
import { INBOX_TABLE_SQL } from '@reclaim/persistence';

export class Init1764200000000 implements MigrationInterface {
  name = 'Init1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(INBOX_TABLE_SQL);
    // Every abandonment seen, hold-outs included (they get no touches but are recorded).
    await q.query(`
      CREATE TABLE abandonments (
        abandonment_id text PRIMARY KEY,
        store_id text NOT NULL,
        cart_id text NOT NULL,
        holdout boolean NOT NULL,
        abandoned_at timestamptz NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now()
      )`);
    // The timers: the source of truth for every planned touch and what became of it.
    await q.query(`
      CREATE TABLE touches (
        touch_id text PRIMARY KEY,
        abandonment_id text NOT NULL,
        store_id text NOT NULL,
        cart_id text NOT NULL,
        channel text NOT NULL CHECK (channel IN ('email', 'sms', 'push')),
        sequence integer NOT NULL,
        due_at timestamptz NOT NULL,
        status text NOT NULL CHECK (status IN ('scheduled', 'dispatched', 'cancelled', 'skipped')),
        reason text,
        abandoned_at timestamptz NOT NULL,
        cart_scope text NOT NULL,
        customer_scope text,
        contact_scope text,
        payload jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX touches_due ON touches (due_at) WHERE status = 'scheduled'`);
    await q.query(`CREATE INDEX touches_cart_scope ON touches (cart_scope) WHERE status = 'scheduled'`);
    await q.query(`CREATE INDEX touches_customer_scope ON touches (customer_scope) WHERE status = 'scheduled'`);
    await q.query(`CREATE INDEX touches_contact_scope ON touches (contact_scope) WHERE status = 'scheduled'`);
    await q.query(`CREATE INDEX touches_abandonment ON touches (abandonment_id)`);
    // Materialised suppression topic (compacted: one row per scope).
    await q.query(`
      CREATE TABLE suppressions (
        scope text PRIMARY KEY,
        reason text NOT NULL,
        suppressed_at timestamptz NOT NULL,
        store_id text NOT NULL,
        cart_id text,
        customer_id text,
        source_event_id text NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE suppressions');
    await q.query('DROP TABLE touches');
    await q.query('DROP TABLE abandonments');
    await q.query('DROP TABLE processed_events');
  }
}
