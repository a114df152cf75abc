import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Push addresses per cart (web push subscriptions and FCM tokens), the addresses push services
 * said are gone (so a replayed push.subscribed cannot bring one back), and what the send ledger
 * needs now that cards really go out (transport, sent_at).
 */
export class PushSubscriptions1764600000000 implements MigrationInterface {
  name = 'PushSubscriptions1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE push_subscriptions (
        store_id text NOT NULL,
        cart_id text NOT NULL,
        transport text NOT NULL CHECK (transport IN ('web_push', 'fcm')),
        customer_id text,
        address text NOT NULL,
        p256dh text,
        auth text,
        subscribed_at timestamptz NOT NULL,
        source_event_id text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (store_id, cart_id, transport),
        CHECK ((transport = 'web_push') = (p256dh IS NOT NULL AND auth IS NOT NULL))
      )`);
    await q.query(
      'CREATE INDEX push_subscriptions_customer ON push_subscriptions (store_id, customer_id, subscribed_at DESC) WHERE customer_id IS NOT NULL',
    );
    await q.query('CREATE INDEX push_subscriptions_address ON push_subscriptions (address)');
    await q.query(`
      CREATE TABLE dead_push_addresses (
        address_hash text PRIMARY KEY,
        transport text NOT NULL,
        reason text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query('ALTER TABLE send_ledger ADD COLUMN transport text, ADD COLUMN sent_at timestamptz');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE send_ledger DROP COLUMN sent_at, DROP COLUMN transport');
    await q.query('DROP TABLE dead_push_addresses');
    await q.query('DROP TABLE push_subscriptions');
  }
}
