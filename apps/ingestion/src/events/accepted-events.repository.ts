import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

@Injectable()
export class AcceptedEventsRepository {
  /**
   * Records event ids as accepted for a store inside the caller's transaction and returns the
   * ids that were new. A concurrent request holding the same id waits on the unique key, then
   * sees it as taken: a repeated id is accepted exactly once.
   */
  async claimNew(tx: EntityManager, storeId: string, eventIds: string[]): Promise<Set<string>> {
    if (eventIds.length === 0) return new Set();
    const rows: Array<{ event_id: string }> = await tx.query(
      `INSERT INTO accepted_events (store_id, event_id)
       SELECT $1, id FROM unnest($2::text[]) AS id
       ON CONFLICT (store_id, event_id) DO NOTHING
       RETURNING event_id`,
      [storeId, eventIds],
    );
    return new Set(rows.map((r) => r.event_id));
  }
}
