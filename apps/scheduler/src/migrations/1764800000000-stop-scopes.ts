import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every suppression scope that can stop a touch, in one indexed array (`stop_scopes`), instead of
 * one column per kind: the rules now also know consent scopes (one per subject) and the
 * shopper-e-mail scope of a guest's order. Rows written before keep the scopes they had.
 */
export class StopScopes1764800000000 implements MigrationInterface {
  name = 'StopScopes1764800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE touches ADD COLUMN stop_scopes text[] NOT NULL DEFAULT '{}'`);
    await q.query(
      `UPDATE touches SET stop_scopes = array_remove(ARRAY[cart_scope, contact_scope, customer_scope], NULL)`,
    );
    await q.query(`CREATE INDEX touches_stop_scopes ON touches USING gin (stop_scopes) WHERE status = 'scheduled'`);
    await q.query('DROP INDEX touches_cart_scope');
    await q.query('DROP INDEX touches_customer_scope');
    await q.query('DROP INDEX touches_contact_scope');
    await q.query('ALTER TABLE touches DROP COLUMN cart_scope, DROP COLUMN customer_scope, DROP COLUMN contact_scope');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      'ALTER TABLE touches ADD COLUMN cart_scope text, ADD COLUMN customer_scope text, ADD COLUMN contact_scope text',
    );
    await q.query(`UPDATE touches SET cart_scope = 'cart:' || store_id || ':' || cart_id,
                     customer_scope = (SELECT s FROM unnest(stop_scopes) s WHERE s LIKE 'customer:%' LIMIT 1),
                     contact_scope = (SELECT s FROM unnest(stop_scopes) s WHERE s LIKE 'contact:%' LIMIT 1)`);
    await q.query('ALTER TABLE touches ALTER COLUMN cart_scope SET NOT NULL');
    await q.query(`CREATE INDEX touches_cart_scope ON touches (cart_scope) WHERE status = 'scheduled'`);
    await q.query(`CREATE INDEX touches_customer_scope ON touches (customer_scope) WHERE status = 'scheduled'`);
    await q.query(`CREATE INDEX touches_contact_scope ON touches (contact_scope) WHERE status = 'scheduled'`);
    await q.query('DROP INDEX touches_stop_scopes');
    await q.query('ALTER TABLE touches DROP COLUMN stop_scopes');
  }
}
