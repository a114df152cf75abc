import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

export interface IssuedIncentive {
  storeId: string;
  subjects: ReadonlyArray<string>;
  abandonmentId: string;
  incentive: string;
  issuedAt: Date;
}

/** Incentives planned per shopper identity: the memory behind the cooldown ("abandon to get a code"). */
@Injectable()
export class IncentiveLedgerRepository {
  /** The latest incentive any of these identities got in this store, if any. */
  async lastIssuedAt(tx: EntityManager, storeId: string, subjects: ReadonlyArray<string>): Promise<Date | undefined> {
    if (subjects.length === 0) return undefined;
    const rows: Array<{ last: Date | null }> = await tx.query(
      'SELECT max(issued_at) AS last FROM issued_incentives WHERE store_id = $1 AND subject = ANY($2::text[])',
      [storeId, [...subjects]],
    );
    return rows[0]?.last ?? undefined;
  }

  /** Idempotent: a republished abandonment records nothing new. */
  async record(tx: EntityManager, issued: IssuedIncentive): Promise<void> {
    if (issued.subjects.length === 0) return;
    await tx.query(
      `INSERT INTO issued_incentives (store_id, subject, abandonment_id, incentive, issued_at)
       SELECT $1, s, $3, $4, $5 FROM unnest($2::text[]) AS s
       ON CONFLICT DO NOTHING`,
      [issued.storeId, [...issued.subjects], issued.abandonmentId, issued.incentive, issued.issuedAt],
    );
  }
}
