import { Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { TouchDue } from '@reclaim/contracts';
import { PollingLoop } from '@reclaim/platform';
import type { AttemptSource, LedgerAttempts } from './ledger-attempts';

/** What the retry loop drives: a channel's delivery of one touch, and its attempts. */
export interface LedgerDelivery {
  readonly attempts: LedgerAttempts;
  deliver(touch: TouchDue, source: AttemptSource): Promise<void>;
}

export interface LedgerRetryLoopOptions {
  /** Pause between passes that found less than a full batch (real ms). */
  intervalMs: number;
  /** Touches one pass claims at most. */
  batch?: number;
  /**
   * How long a claimed touch is the pass's own (real ms): a row still `sending` after that is an
   * attempt that died, and is reported `unknown`. Far longer than any hand-off takes.
   */
  leaseMs?: number;
}

/**
 * Attempts touches whose next attempt came due in the send ledger (a retry after the recipient
 * turned them away, the end of quiet hours), a pass at a time; each through the channel's whole
 * path again — the suppression barrier included (ADR 0005, 0006).
 */
export class LedgerRetryLoop implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger: Logger;
  private readonly loop: PollingLoop;
  private readonly batch: number;
  private readonly leaseMs: number;

  constructor(
    channel: string,
    private readonly delivery: LedgerDelivery,
    options: LedgerRetryLoopOptions,
  ) {
    this.logger = new Logger(`${channel}.LedgerRetryLoop`);
    this.batch = options.batch ?? 20;
    this.leaseMs = options.leaseMs ?? 10 * 60_000;
    this.loop = new PollingLoop(() => this.pass(), {
      intervalMs: options.intervalMs,
      batch: this.batch,
      onError: (message) => this.logger.warn(`ledger retry pass failed: ${message}`),
    });
  }

  onApplicationBootstrap(): void {
    this.loop.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.loop.stop();
  }

  /** One pass: claims the due touches and attempts them side by side. Returns how many it claimed. */
  async pass(): Promise<number> {
    const { ledger } = this.delivery.attempts;
    const due = await ledger.claimDueAttempts(new Date(), this.batch, this.leaseMs);
    await Promise.all(
      due.map(async (touch) => {
        try {
          await this.delivery.deliver(touch, 'ledger');
        } catch (error) {
          await this.delivery.attempts
            .afterError(touch, error)
            .catch((e: unknown) =>
              this.logger.warn({ msg: 'could not record a failed attempt', touchId: touch.touchId, error: String(e) }),
            );
        }
      }),
    );
    return due.length;
  }
}
