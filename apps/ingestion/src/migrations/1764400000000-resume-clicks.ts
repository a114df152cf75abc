import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ResumeClicks1764400000000 implements MigrationInterface {
  name = 'ResumeClicks1764400000000';

  async up(q: QueryRunner): Promise<void> {
    // The touch whose resume link has its one credited click: a later click finds the row and is a repeat.
    await q.query(`
      CREATE TABLE resume_clicks (
        store_id text NOT NULL,
        touch_id text NOT NULL,
        clicked_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (store_id, touch_id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE resume_clicks');
  }
}
