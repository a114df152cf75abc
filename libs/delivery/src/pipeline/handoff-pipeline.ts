import type { Logger } from '@nestjs/common';
import { Contracts, type TouchDue } from '@reclaim/contracts';
import { errorMessage } from '@reclaim/core';
import type { EventPublisher } from '@reclaim/kafka';
import { recipientOf, type Recipient, type SuppressionVerdict } from '@reclaim/suppression';
import { HandoffTooLateError, ProviderUnavailableError, SuppressionCheckStaleError } from '../domain/handoff-errors';
import { settlementOf, type HandoffStage, type TouchOutcome } from '../domain/provider-outcome';
import { DeliveryReporter } from '../delivery-reporter';
import type { AttemptPolicy } from '../domain/touch-attempts';
import { LedgerAttempts, type AttemptSource } from '../ledger-attempts';
import type { LedgerDelivery } from '../ledger-retry-loop';
import type { SendLedger } from '../send-ledger.repository';
import type { ChannelAdapter } from './channel-adapter';

/** How many times a send checks suppressions in a row to get a verdict within the freshness bound. */
export const FRESH_CHECK_ROUNDS = 3;

/**
 * The read barrier the pipeline checks suppressions through (libs/suppression's SuppressionView):
 * `catchUp()` resolves once the view holds everything the suppression topic held when it started,
 * and says when that was (epoch ms, taken before its watermark read).
 */
export interface SuppressionBarrier {
  catchUp(): Promise<number>;
  isSuppressed(recipient: Recipient): Promise<SuppressionVerdict>;
}

export interface HandoffPipelineDeps {
  ledger: SendLedger;
  suppressions: SuppressionBarrier;
  publisher: Pick<EventPublisher, 'publish'>;
  /** The channel's deadline, attempt cap, backoff and quiet hours (ADR 0006; `attemptPolicyOf`). */
  policy: AttemptPolicy;
  /** The store's time zone, for quiet hours of a recipient whose own zone is unknown. */
  storeZone: string | undefined;
  logger: Logger;
  /** Epoch ms; injected so the freshness bound can be pinned in a unit spec. */
  clock?: () => number;
}

const suppressedBy = (verdict: SuppressionVerdict): TouchOutcome => ({
  kind: 'skipped',
  reason: `suppressed:${verdict.suppressed ? verdict.reason : 'unknown'}`,
});

/**
 * One due touch, end to end, the same way for every channel (ADR 0005):
 *
 * 1. claim the ledger row (a redelivered touch is reported again, one found `sending` is `unknown`);
 * 2. early suppression check — a touch already suppressed costs no content, code or connection;
 * 3. the channel's target (address, subscription, sender);
 * 4. deadline, attempts and quiet hours on the recipient's clock (ADR 0006);
 * 5. prepare the message to its final bytes;
 * 6. open the provider session (connect, TLS, greeting, login: everything slow);
 * 7. the fresh suppression check, repeated while it took longer than the freshness bound;
 * 8. `pending → sending` in the ledger (only one delivery of a touch gets past it);
 * 9. hand over before `check start + freshness bound`, else release the touch and check again;
 * 10. record the outcome in the ledger, then report it on reclaim.deliveries.v1.
 *
 * Channels bring only their content and provider code, as a {@link ChannelAdapter}.
 */
export class HandoffPipeline<Target, Prepared, Session> implements LedgerDelivery {
  readonly attempts: LedgerAttempts;
  private readonly reports: DeliveryReporter;
  private readonly clock: () => number;

  constructor(
    private readonly adapter: ChannelAdapter<Target, Prepared, Session>,
    private readonly deps: HandoffPipelineDeps,
  ) {
    const { ledger, publisher, logger } = deps;
    this.reports = new DeliveryReporter(adapter.channel, ledger, publisher, logger);
    this.attempts = new LedgerAttempts(ledger, this.reports, deps.policy, deps.storeZone, logger);
    this.clock = deps.clock ?? Date.now;
  }

  async deliver(touch: TouchDue, source: AttemptSource = 'topic'): Promise<void> {
    if (!(await this.attempts.claim(touch, source))) return;

    const recipient = recipientOf(touch);
    const early = await this.check(recipient);
    if (early.suppressed) return this.settle(touch, undefined, suppressedBy(early), 'before_handoff');
    const target = await this.adapter.target(touch);
    if ('outcome' in target) return this.settle(touch, undefined, target.outcome, 'before_handoff');
    if (!(await this.attempts.mayAttempt(touch))) return;
    const prepared = await this.adapter.prepare(touch, target.value);
    if ('outcome' in prepared) return this.settle(touch, target.value, prepared.outcome, 'before_handoff');
    const opened = await this.adapter.open(touch, target.value, prepared.value);
    if ('outcome' in opened) return this.settle(touch, target.value, opened.outcome, 'before_handoff');
    await this.checkAndHandOver(touch, recipient, target.value, prepared.value, opened.value);
  }

  /** Steps 7 to 10, with the session open. */
  private async checkAndHandOver(
    touch: TouchDue,
    recipient: Recipient,
    target: Target,
    prepared: Prepared,
    session: Session,
  ): Promise<void> {
    let reusable = true;
    try {
      await this.adapter.beforeCheck?.(touch, target);
      const { verdict, clearedAt } = await this.freshCheck(recipient);
      if (verdict.suppressed) {
        await this.settle(touch, target, suppressedBy(verdict), 'before_handoff');
        return;
      }
      // Another delivery of this touch got there first.
      if (!(await this.deps.ledger.startSending(touch.touchId, this.adapter.sendingColumns(target, prepared)))) return;
      const writeBy = clearedAt + this.adapter.freshnessMs;
      if (this.clock() > writeBy) return await this.stale(touch, `${this.clock() - clearedAt} ms since its check`);
      reusable = false;
      let outcome: TouchOutcome;
      try {
        outcome = await this.adapter.handOver(session, touch, target, prepared, writeBy);
      } catch (error) {
        if (error instanceof HandoffTooLateError) return await this.stale(touch, error.message);
        // Only the adapter knows how far a request got; an error it did not classify may have reached the provider.
        outcome = { kind: 'unknown', reason: `handoff_error:${errorMessage(error).slice(0, 80)}` };
      }
      reusable = outcome.kind === 'sent';
      if (outcome.kind !== 'sent') {
        this.deps.logger.warn({
          msg: `${this.adapter.channel} hand-off not sent`,
          touchId: touch.touchId,
          outcome: outcome.kind,
          reason: outcome.reason,
        });
      }
      await this.settle(touch, target, outcome, 'sending');
    } finally {
      this.adapter.release(session, reusable);
      await this.adapter.afterAttempt?.(touch);
    }
  }

  /**
   * The suppression check, repeated while it took longer than the freshness bound: waiting for the
   * view to reach one watermark usually brings it close to the next, so a second check is quick.
   * `clearedAt` is the start of the barrier round that gave the verdict (before its watermark read).
   */
  private async freshCheck(recipient: Recipient): Promise<{ verdict: SuppressionVerdict; clearedAt: number }> {
    for (let round = 1; ; round++) {
      const clearedAt = await this.deps.suppressions.catchUp();
      const verdict = await this.deps.suppressions.isSuppressed(recipient);
      const fresh = this.clock() - clearedAt <= this.adapter.freshnessMs;
      if (verdict.suppressed || fresh || round >= FRESH_CHECK_ROUNDS) return { verdict, clearedAt };
    }
  }

  private async check(recipient: Recipient): Promise<SuppressionVerdict> {
    await this.deps.suppressions.catchUp();
    return this.deps.suppressions.isSuppressed(recipient);
  }

  /** The check is too old to hand over on: nothing was written; the touch goes back to pending and is checked again. */
  private async stale(touch: TouchDue, why: string): Promise<never> {
    await this.deps.ledger.releaseForRetry(touch.touchId, 'suppression_check_stale');
    throw new SuppressionCheckStaleError(`touch ${touch.touchId}: ${why}; checking again`);
  }

  /** Records the outcome in the ledger (the one mapping, `settlementOf`) and reports the touch. */
  private async settle(
    touch: TouchDue,
    target: Target | undefined,
    outcome: TouchOutcome,
    stage: HandoffStage,
  ): Promise<void> {
    const { ledger, publisher } = this.deps;
    const reports = this.reports;
    const settlement = settlementOf(outcome, stage);
    switch (settlement.move) {
      case 'mark_sent':
        await ledger.markSent(
          touch.touchId,
          settlement.providerMessageId,
          outcome.kind === 'sent' ? outcome.columns : {},
        );
        break;
      case 'mark_skipped':
        await ledger.markSkipped(touch.touchId, settlement.reason);
        break;
      case 'mark_failed':
        // Published before the row is settled, so a crash in between republishes it (same id) rather than losing it.
        if (outcome.kind === 'dead_address') await publisher.publish(Contracts.suppression, [outcome.stop]);
        await ledger.markFailed(touch.touchId, settlement.reason);
        break;
      case 'mark_unknown':
        await ledger.markUnknown(touch.touchId, settlement.reason);
        break;
      case 'retry_from_ledger':
        await this.attempts.retryLater(touch, settlement.reason, settlement.retryAfterMs);
        return;
      case 'count_attempt':
      case 'release':
        if (settlement.move === 'release') await ledger.releaseForRetry(touch.touchId, settlement.reason);
        else await ledger.recordFailedAttempt(touch.touchId, settlement.reason);
        throw new ProviderUnavailableError(
          `${this.adapter.channel} provider did not take touch ${touch.touchId}: ${settlement.reason}`,
          { retryAfterMs: settlement.retryAfterMs },
        );
    }
    if (target !== undefined) await this.adapter.afterOutcome?.(touch, target, outcome);
    await reports.reportCurrent(touch);
  }
}
