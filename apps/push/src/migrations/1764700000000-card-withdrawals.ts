import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `push_cards`: the card of each push touch that got as far as its last suppression check — the
 * device it went to (with the keys to encrypt for it), its `tag`, and who the shopper is (so an
 * order by any of their identifiers finds it); `attempt_until` while an attempt is in flight.
 * `card_withdrawals`: one withdrawal per cart and device, never sent twice.
 */
export class CardWithdrawals1764700000000 implements MigrationInterface {
  name = 'CardWithdrawals1764700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE push_cards (
        touch_id text PRIMARY KEY,
        store_id text NOT NULL,
        cart_id text NOT NULL,
        tag text NOT NULL,
        transport text NOT NULL CHECK (transport IN ('web_push', 'fcm')),
        address text NOT NULL,
        p256dh text,
        auth text,
        customer_id text,
        email text,
        phone text,
        last_activity_at timestamptz,
        abandoned_at timestamptz,
        scopes text[] NOT NULL,
        attempt_until timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((transport = 'web_push') = (p256dh IS NOT NULL AND auth IS NOT NULL))
      )`);
    await q.query('CREATE INDEX push_cards_scopes ON push_cards USING gin (scopes)');
    await q.query(`
      CREATE TABLE card_withdrawals (
        store_id text NOT NULL,
        cart_id text NOT NULL,
        transport text NOT NULL CHECK (transport IN ('web_push', 'fcm')),
        address_hash text NOT NULL,
        status text NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'unknown')),
        reason text,
        attempts integer NOT NULL DEFAULT 0,
        provider_message_id text,
        source_event_id text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (store_id, cart_id, transport, address_hash)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE card_withdrawals');
    await q.query('DROP TABLE push_cards');
  }
}
