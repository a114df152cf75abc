import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The provider adapter: what went out (segments, encoding, when), the provider's later status of
 * a sent message (found by its SID from status callbacks), and the webhook events already handled.
 */
export class ProviderSends1764600000002 implements MigrationInterface {
  name = 'ProviderSends1764600000002';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE send_ledger
        ADD COLUMN sent_at timestamptz,
        ADD COLUMN segments integer,
        ADD COLUMN encoding text,
        ADD COLUMN provider_status text,
        ADD COLUMN provider_error_code text`);
    await q.query(
      'CREATE UNIQUE INDEX send_ledger_provider_message_id ON send_ledger (provider_message_id) WHERE provider_message_id IS NOT NULL',
    );
    await q.query(`
      CREATE TABLE webhook_events (
        event_id text PRIMARY KEY,
        kind text NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE webhook_events');
    await q.query('DROP INDEX send_ledger_provider_message_id');
    await q.query(`
      ALTER TABLE send_ledger
        DROP COLUMN sent_at, DROP COLUMN segments, DROP COLUMN encoding,
        DROP COLUMN provider_status, DROP COLUMN provider_error_code`);
  }
}
