import { Injectable, Logger } from '@nestjs/common';
import type { Delivery } from '@reclaim/contracts';
import { claimInbox } from '@reclaim/persistence';
import { settle } from './domain/incentive-ledger';
import { IncentiveLedgerRepository } from './incentive-ledger.repository';

export const INCENTIVE_LEDGER_CONSUMER = 'incentive-ledger';

/**
 * Settles planned incentives from touch outcomes: a delivery of the touch that carries an
 * incentive marks it delivered (it counts against the cooldown from then on) or released (the
 * shopper never got it; it stops counting). Deliveries of other touches change nothing.
 */
@Injectable()
export class IncentiveSettlementService {
  private readonly logger = new Logger(IncentiveSettlementService.name);

  constructor(private readonly ledger: IncentiveLedgerRepository) {}

  /** Applies a delivery once: the inbox claim and the settlement commit together. */
  async settle(eventId: string, delivery: Delivery): Promise<void> {
    const { storeId, cartId, touchId } = delivery;
    await this.ledger.transaction(async (tx) => {
      let rows = await this.ledger.lockTouch(tx, storeId, touchId);
      if (rows.length === 0) {
        // Not an incentive touch, or its abandonment's sweep has not committed yet: wait for it, look again.
        await this.ledger.awaitCartSweep(tx, storeId, cartId);
        rows = await this.ledger.lockTouch(tx, storeId, touchId);
        if (rows.length === 0) return;
      }
      if (!(await claimInbox(tx, INCENTIVE_LEDGER_CONSUMER, eventId))) return;
      const outcome = { status: delivery.status, at: new Date(delivery.at), reason: delivery.reason };
      let changed: string | undefined;
      for (const row of rows) {
        const next = settle(row.settlement, outcome);
        if (next === row.settlement) continue;
        await this.ledger.saveSettlement(tx, { ...row, storeId, touchId }, next);
        if (row.settlement.status !== next.status) changed = next.status;
      }
      if (changed) {
        const abandonmentId = rows[0]?.abandonmentId;
        const reason = delivery.reason;
        this.logger.log({
          msg: `incentive ${changed}`,
          storeId,
          abandonmentId,
          touchId,
          status: delivery.status,
          reason,
        });
      }
    });
  }
}
