import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { Contracts, shopperKey, type Abandonment } from '@reclaim/contracts';
import type { Clock } from '@reclaim/core';
import { EventPublisher } from '@reclaim/kafka';
import { PollingLoop } from '@reclaim/platform';
import { CartStateRepository } from '../carts/cart-state.repository';
import { CLOCK } from '../clock';
import { ABANDONMENT_SETTINGS, type AbandonmentSettings } from './abandonment-settings';
import { idleCutoffs, isAbandonedAt } from './domain/abandonment-window';
import { lastCountingIncentiveAt, plannedIncentives, PLANNED, type LedgerEntry } from './domain/incentive-ledger';
import { buildAbandonment, incentiveSubjects } from './domain/recovery-plan';
import { IncentiveLedgerRepository } from './incentive-ledger.repository';

/**
 * Durable abandonment detection: a polling sweep over the carts table. Each pass locks idle
 * carts (SKIP LOCKED, so instances share the work), publishes their abandonments, waits for
 * Kafka's acknowledgement and only then commits them as abandoned. A crash in between leaves
 * the carts open, and the next pass republishes the same deterministic abandonment ids.
 */
@Injectable()
export class AbandonmentSweeper implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(AbandonmentSweeper.name);
  private readonly loop: PollingLoop;

  constructor(
    private readonly carts: CartStateRepository,
    private readonly publisher: EventPublisher,
    private readonly incentives: IncentiveLedgerRepository,
    @Inject(ABANDONMENT_SETTINGS) private readonly settings: AbandonmentSettings,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.loop = new PollingLoop(() => this.sweepOnce(), {
      intervalMs: settings.sweepIntervalMs,
      batch: settings.sweepBatch,
      onError: (message) => this.logger.warn(`abandonment sweep failed, will retry: ${message}`),
    });
  }

  onApplicationBootstrap(): void {
    this.loop.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.loop.stop();
  }

  /** One pass: returns how many carts it abandoned. */
  async sweepOnce(): Promise<number> {
    const now = this.clock.now();
    const { windows, sweepBatch, holdoutPercent, recovery } = this.settings;
    return this.carts.transaction(async (tx) => {
      const idle = await this.carts.lockIdleCarts(tx, idleCutoffs(now, windows), sweepBatch);
      const abandonments: Abandonment[] = [];
      // Incentives planned earlier in this batch count too: one shopper, two carts, one code.
      const inBatch: Array<{ storeId: string; subjects: ReadonlyArray<string>; entry: LedgerEntry }> = [];
      for (const cart of idle.filter((c) => isAbandonedAt(c, now, windows))) {
        const subjects = incentiveSubjects(cart.customer);
        const stored = await this.incentives.countingIncentives(tx, cart.storeId, subjects);
        const batched = inBatch
          .filter((p) => p.storeId === cart.storeId && p.subjects.some((s) => subjects.includes(s)))
          .map((p) => p.entry);
        // The sequence this cart would start: pending incentives of the ones it supersedes do not count.
        const owner = cart.lastActivityAt
          ? {
              cartId: cart.cartId,
              shopperKey: shopperKey(cart.storeId, cart.cartId, cart.customer),
              lastActivityAt: cart.lastActivityAt,
            }
          : undefined;
        const abandonment = buildAbandonment(cart, now, {
          holdoutPercent,
          config: recovery.forStore(cart.storeId),
          history: { lastIncentiveAt: lastCountingIncentiveAt([...stored, ...batched], owner) },
        });
        for (const planned of plannedIncentives(abandonment, now)) {
          inBatch.push({
            storeId: planned.storeId,
            subjects: planned.subjects,
            entry: { issuedAt: now, settlement: PLANNED, owner: planned.owner },
          });
        }
        abandonments.push(abandonment);
      }
      if (abandonments.length === 0) return 0;
      // Inside the transaction on purpose: the carts stay locked and open until Kafka acknowledged.
      await this.publisher.publish(Contracts.abandonment, abandonments);
      for (const a of abandonments)
        for (const planned of plannedIncentives(a, now)) await this.incentives.record(tx, planned);
      await this.carts.markAbandoned(tx, abandonments, now);
      return abandonments.length;
    });
  }
}
