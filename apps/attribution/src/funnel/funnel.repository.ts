import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { claimInbox } from '@reclaim/persistence';

@Injectable()
export class FunnelRepository {
  constructor(private readonly db: DataSource) {}

  /** Counts an event once: a redelivered record finds its id in the inbox and changes nothing. */
  async count(eventId: string, storeId: string, metric: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      if (!(await claimInbox(tx, 'funnel', eventId))) return;
      await this.increment(tx, storeId, metric);
    });
  }

  /**
   * Counts an event once, as `metric` for the first event of its `scope` (a touch's credited
   * click) and as `otherwise` for any later one: another record claiming the same scope, e.g. a
   * credited click published twice under different ids, is not counted twice.
   */
  async countOncePer(
    eventId: string,
    scope: string,
    storeId: string,
    metric: string,
    otherwise: string,
  ): Promise<void> {
    await this.db.transaction(async (tx) => {
      if (!(await claimInbox(tx, 'funnel', eventId))) return;
      const first = await claimInbox(tx, 'funnel:once-per', `${metric} ${scope}`);
      await this.increment(tx, storeId, first ? metric : otherwise);
    });
  }

  private async increment(tx: EntityManager, storeId: string, metric: string): Promise<void> {
    await tx.query(
      `INSERT INTO funnel_counts (store_id, metric, count) VALUES ($1, $2, 1)
       ON CONFLICT (store_id, metric) DO UPDATE SET count = funnel_counts.count + 1`,
      [storeId, metric],
    );
  }

  async funnel(storeId: string): Promise<Record<string, number>> {
    const rows: Array<{ metric: string; count: string }> = await this.db.query(
      'SELECT metric, count FROM funnel_counts WHERE store_id = $1 ORDER BY metric',
      [storeId],
    );
    return Object.fromEntries(rows.map((r) => [r.metric, Number(r.count)]));
  }
}
