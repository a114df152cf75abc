import type { MigrationInterface, QueryRunner } from 'typeorm';

export class IncentiveCodes1764400000000 implements MigrationInterface {
  name = 'IncentiveCodes1764400000000';

  async up(q: QueryRunner): Promise<void> {
    // One unique, single-use, expiring code per touch that carries an incentive.
    await q.query(`
      CREATE TABLE incentive_codes (
        code text PRIMARY KEY,
        touch_id text NOT NULL UNIQUE,
        store_id text NOT NULL,
        cart_id text NOT NULL,
        customer_id text,
        email text,
        kind text NOT NULL,
        issued_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE incentive_codes');
  }
}
