import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tables of the materialised suppression view. Each service that runs the view lists this
 * migration in its own migrations (the tables live in the service's schema).
 */
export class CreateSuppressionView1764300000000 implements MigrationInterface {
  name = 'CreateSuppressionView1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE suppressions (
        scope text PRIMARY KEY,
        reason text NOT NULL,
        store_id text NOT NULL,
        cart_id text,
        customer_id text,
        suppressed_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE suppression_offsets (
        partition integer PRIMARY KEY,
        next_offset bigint NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE suppression_offsets');
    await q.query('DROP TABLE suppressions');
  }
}
