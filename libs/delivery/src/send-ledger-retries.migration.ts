import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Per-touch retries from the send ledger (ADR 0006), for every channel's `send_ledger`: the touch
 * itself as its JSON text (so it can be attempted again without its Kafka record; text, not
 * jsonb, because jsonb refuses the escapes of U+0000 and lone surrogates a record may carry —
 * such a touch must still reach its suppression check), how many times its recipient
 * turned it away for now (`retries`), and when it is next attempted (`next_attempt_at`: set while
 * the ledger, not the topic, owns the touch).
 */
export class SendLedgerRetries1765000000000 implements MigrationInterface {
  name = 'SendLedgerRetries1765000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE send_ledger
      ADD COLUMN touch text,
      ADD COLUMN retries integer NOT NULL DEFAULT 0,
      ADD COLUMN next_attempt_at timestamptz`);
    await q.query(`CREATE INDEX send_ledger_next_attempt ON send_ledger (next_attempt_at)
      WHERE next_attempt_at IS NOT NULL AND status IN ('pending', 'sending')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX send_ledger_next_attempt');
    await q.query('ALTER TABLE send_ledger DROP COLUMN touch, DROP COLUMN retries, DROP COLUMN next_attempt_at');
  }
}
