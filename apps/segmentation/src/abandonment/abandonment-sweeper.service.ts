import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { Contracts } from '@reclaim/contracts';
import { errorMessage, type Clock } from '@reclaim/core';
import { EventPublisher } from '@reclaim/kafka';
import { CartStateRepository } from '../carts/cart-state.repository';
import { CLOCK } from '../clock';
import { ABANDONMENT_SETTINGS, type AbandonmentSettings } from './abandonment-settings';
import { idleCutoffs, isAbandonedAt } from './domain/abandonment-window';
import { buildAbandonment } from './domain/recovery-plan';

/**
 * Durable abandonment detection: a polling sweep over the carts table. Each pass locks idle
 * carts (SKIP LOCKED, so instances share the work), publishes their abandonments, waits for
 * Kafka's acknowledgement and only then commits them as abandoned. A crash in between leaves
 * the carts open, and the next pass republishes the same deterministic abandonment ids.
 */
@Injectable()
export class AbandonmentSweeper implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(AbandonmentSweeper.name);
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;

  constructor(
    private readonly carts: CartStateRepository,
    private readonly publisher: EventPublisher,
    @Inject(ABANDONMENT_SETTINGS) private readonly settings: AbandonmentSettings,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    this.running = true;
    this.loop = this.run();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
  }

  /** One pass: returns how many carts it abandoned. */
  async sweepOnce(): Promise<number> {
    const now = this.clock.now();
    const { windows, sweepBatch, holdoutPercent } = this.settings;
    return this.carts.transaction(async (tx) => {
      const idle = await this.carts.lockIdleCarts(tx, idleCutoffs(now, windows), sweepBatch);
      const abandonments = idle
        .filter((c) => isAbandonedAt(c, now, windows))
        .map((c) => buildAbandonment(c, now, holdoutPercent));
      if (abandonments.length === 0) return 0;
      // Inside the transaction on purpose: the carts stay locked and open until Kafka acknowledged.
      await this.publisher.publish(Contracts.abandonment, abandonments);
      await this.carts.markAbandoned(tx, abandonments, now);
      return abandonments.length;
    });
  }

  private async run(): Promise<void> {
    while (this.running) {
      let swept = 0;
      try {
        swept = await this.sweepOnce();
      } catch (error) {
        this.logger.warn(`abandonment sweep failed, will retry: ${errorMessage(error)}`);
      }
      // A full batch means there may be more waiting: go again at once.
      if (swept < this.settings.sweepBatch) await this.pause(this.settings.sweepIntervalMs);
    }
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}
