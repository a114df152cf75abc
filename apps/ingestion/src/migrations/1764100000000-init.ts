import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Init1764100000000 implements MigrationInterface {
  name = 'Init1764100000000';

  async up(q: QueryRunner): Promise<void> {
    // Event ids a store has sent: a repeated id is accepted once and counted as a duplicate.
    await q.query(`
      CREATE TABLE accepted_events (
        store_id text NOT NULL,
        event_id text NOT NULL,
        accepted_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (store_id, event_id)
      )`);
    await q.query('CREATE INDEX accepted_events_accepted_at ON accepted_events (accepted_at)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE accepted_events');
  }
}
