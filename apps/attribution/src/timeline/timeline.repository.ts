import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { storableText, storableTextOrNull } from '@reclaim/persistence';
import { TimelineKinds, type StoredEntry, type TimelineKind } from './domain/entries';
import type { ReadEntry } from './domain/explain';

interface EntryRow {
  id: string;
  at: Date;
  kind: string;
  text: string;
  detail: Record<string, unknown>;
}

/** U+0000 and unpaired surrogates: PostgreSQL refuses them in text and jsonb. */
// eslint-disable-next-line no-control-regex -- U+0000 is exactly what PostgreSQL refuses
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Words and details are for reading, not for looking up: what PostgreSQL cannot store reads as U+FFFD. */
const readable = (s: string): string => s.replace(UNSTORABLE, '\uFFFD');
const readableJson = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) => (typeof v === 'string' ? readable(v) : v));

const isKind = (kind: string): kind is TimelineKind => (TimelineKinds as ReadonlyArray<string>).includes(kind);

@Injectable()
export class TimelineRepository {
  constructor(private readonly db: DataSource) {}

  /**
   * Stores a record's entries once: a redelivered record meets its (store, source, kind) row and
   * changes nothing. A suppression of another scope from the same event joins the existing entry's
   * scopes instead of adding a second line (again at most once per scope).
   */
  async add(entries: ReadonlyArray<StoredEntry>): Promise<void> {
    if (entries.length === 0) return;
    await this.db.transaction(async (tx) => {
      for (const e of entries) {
        await tx.query(
          `INSERT INTO cart_timeline (store_id, cart_id, order_id, at, kind, text, detail, source_id)
           VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8)
           ON CONFLICT (store_id, source_id, kind) DO UPDATE
             SET detail = jsonb_set(cart_timeline.detail, '{scopes}',
                                    (cart_timeline.detail->'scopes') || (EXCLUDED.detail->'scopes'))
             WHERE cart_timeline.kind = 'suppression'
               AND jsonb_typeof(cart_timeline.detail->'scopes') = 'array'
               AND NOT (cart_timeline.detail->'scopes') @> (EXCLUDED.detail->'scopes')`,
          [
            storableText(e.storeId),
            storableTextOrNull(e.cartId),
            storableTextOrNull(e.orderId),
            e.at,
            e.kind,
            readable(e.text),
            readableJson(e.detail),
            storableText(e.sourceId),
          ],
        );
      }
    });
  }

  /**
   * A cart's entries in the order stored, and the suppressions known only by the cart's order.
   * Empty for a cart the store never told us about (or another store's cart).
   */
  async entriesOf(storeId: string, cartId: string): Promise<ReadEntry[]> {
    const rows: EntryRow[] = await this.db.query(
      `SELECT id::text AS id, at, kind, text, detail FROM cart_timeline
        WHERE store_id = $1
          AND (cart_id = $2
               OR (cart_id IS NULL AND order_id IN (
                     SELECT order_id FROM cart_timeline
                      WHERE store_id = $1 AND cart_id = $2 AND kind = 'order' AND order_id IS NOT NULL)))
        ORDER BY at, id`,
      [storableText(storeId), storableText(cartId)],
    );
    return rows.flatMap((r) =>
      isKind(r.kind) ? [{ id: r.id, at: r.at, kind: r.kind, text: r.text, detail: r.detail }] : [],
    );
  }
}
