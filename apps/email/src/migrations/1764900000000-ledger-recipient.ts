import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The address each message went to, so a bounce or complaint about a touch stops that address. */
export class LedgerRecipient1764900000000 implements MigrationInterface {
  name = 'LedgerRecipient1764900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE send_ledger ADD COLUMN recipient text');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE send_ledger DROP COLUMN recipient');
  }
}
