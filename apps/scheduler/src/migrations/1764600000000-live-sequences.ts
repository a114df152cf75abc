import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One live sequence per shopper: which of a shopper's sequences is the most recent is decided by
 * the cart's last activity before its abandonment (`last_activity_at`, taken from the touch's
 * payload for rows written before it existed, else the abandonment time). Indexes serve the
 * look-ups of a shopper's and an abandonment's scheduled touches.
 */
export class LiveSequences1764600000000 implements MigrationInterface {
  name = 'LiveSequences1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE touches ADD COLUMN last_activity_at timestamptz');
    await q.query(
      `UPDATE touches SET last_activity_at = COALESCE((payload->>'lastActivityAt')::timestamptz, abandoned_at)`,
    );
    await q.query('ALTER TABLE touches ALTER COLUMN last_activity_at SET NOT NULL');
    await q.query(`CREATE INDEX touches_shopper_scheduled ON touches (shopper_key) WHERE status = 'scheduled'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX touches_shopper_scheduled');
    await q.query('ALTER TABLE touches DROP COLUMN last_activity_at');
  }
}
