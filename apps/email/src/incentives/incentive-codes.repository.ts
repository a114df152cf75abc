import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { IncentiveKind } from '@reclaim/contracts';
import { DependencyUnavailableError, errorMessage } from '@reclaim/core';

export interface IssuedCode {
  code: string;
  kind: IncentiveKind;
  issuedAt: Date;
  expiresAt: Date;
}

@Injectable()
export class IncentiveCodesRepository {
  constructor(private readonly db: DataSource) {}

  /**
   * The code for a touch: issued once (touch_id is unique), so a redelivered touch shows the same
   * code. `candidate` is used only when the touch has none yet.
   */
  async issueFor(
    touch: { touchId: string; storeId: string; cartId: string; customerId?: string; email?: string },
    kind: IncentiveKind,
    candidate: string,
    expiresAt: Date,
  ): Promise<IssuedCode> {
    try {
      const rows: Array<{ code: string; kind: IncentiveKind; issued_at: Date; expires_at: Date }> = await this.db.query(
        `WITH inserted AS (
           INSERT INTO incentive_codes (code, touch_id, store_id, cart_id, customer_id, email, kind, expires_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
           ON CONFLICT (touch_id) DO NOTHING
           RETURNING code, kind, issued_at, expires_at)
         SELECT * FROM inserted
         UNION ALL
         SELECT code, kind, issued_at, expires_at FROM incentive_codes WHERE touch_id = $2
         LIMIT 1`,
        [
          candidate,
          touch.touchId,
          touch.storeId,
          touch.cartId,
          touch.customerId ?? null,
          touch.email ?? null,
          kind,
          expiresAt,
        ],
      );
      const row = rows[0];
      if (!row) throw new Error(`no incentive code for touch ${touch.touchId}`);
      return { code: row.code, kind: row.kind, issuedAt: new Date(row.issued_at), expiresAt: new Date(row.expires_at) };
    } catch (error) {
      throw new DependencyUnavailableError(`incentive codes: ${errorMessage(error)}`, { cause: error });
    }
  }
}
