import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * When a touch's hand-off to the provider started (pending → sending), for every channel's
 * `send_ledger`: reported on the `sent` delivery as `handoffAt`, so anyone can check from the topics
 * that no hand-off started after the cart's order was acknowledged (the demo's summary does).
 */
export class SendLedgerHandoff1765200000000 implements MigrationInterface {
  name = 'SendLedgerHandoff1765200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE send_ledger ADD COLUMN handoff_started_at timestamptz');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE send_ledger DROP COLUMN handoff_started_at');
  }
}
