import type { MigrationInterface, QueryRunner } from 'typeorm';
import { INBOX_TABLE_SQL } from '@reclaim/persistence';

export class Init1764100000000 implements MigrationInterface {
  name = 'Init1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(INBOX_TABLE_SQL);
    await q.query(`
      CREATE TABLE funnel_counts (
        store_id text NOT NULL,
        metric text NOT NULL,
        count bigint NOT NULL DEFAULT 0,
        PRIMARY KEY (store_id, metric)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE funnel_counts');
    await q.query('DROP TABLE processed_events');
  }
}
