import type { Logger } from '@nestjs/common';
import type { TouchDue } from '@reclaim/contracts';
import { AppError, errorMessage } from '@reclaim/core';
import type { DeliveryReporter } from './delivery-reporter';
import { resolveZone } from './domain/quiet-hours';
import { decideOnClaim, isFinal } from './domain/send-ledger';
import { decideAttempt, decideRetry, type AttemptPolicy } from './domain/touch-attempts';
import type { SendLedger } from './send-ledger.repository';

/** Where an attempt comes from: the touch topic (first delivery or redelivery) or the ledger's retry loop. */
export type AttemptSource = 'topic' | 'ledger';

/**
 * Per-touch attempts, shared by the channels (ADR 0006): the claim and its decision (ADR 0005),
 * the deadline, the attempt cap and the channel's quiet hours on the recipient's clock, and the
 * hand-over to the ledger when the recipient turns a touch away for now — so a poisoned recipient
 * is retried later from the ledger instead of holding its Kafka partition.
 */
export class LedgerAttempts {
  constructor(
    readonly ledger: SendLedger,
    private readonly reports: DeliveryReporter,
    readonly policy: AttemptPolicy,
    private readonly storeZone: string | undefined,
    private readonly logger: Logger,
    private readonly random: () => number = Math.random,
  ) {}

  /**
   * Claims the touch's ledger row and says whether this delivery goes on to the channel's own
   * checks: a touch the ledger owns (a retry or deferral is scheduled) is left to the ledger when
   * it comes again from the topic; a decided one is reported again; one found `sending` is
   * `unknown`, never resent.
   */
  async claim(touch: TouchDue, source: AttemptSource): Promise<boolean> {
    const row = await this.ledger.claim(touch);
    if (source === 'topic' && row.nextAttemptAt !== null && !isFinal(row.status)) return false;
    const decision = decideOnClaim(row.status);
    if (decision.action === 'report') {
      await this.reports.report(touch, decision.status, row);
      return false;
    }
    if (decision.action === 'mark_unknown') {
      await this.ledger.markUnknown(touch.touchId, 'interrupted_while_sending');
      await this.reports.reportCurrent(touch);
      return false;
    }
    return true;
  }

  /**
   * Right before the provider is involved: past its deadline the touch is `skipped: expired`, out
   * of attempts `failed: retries_exhausted`, inside quiet hours deferred to their end (or skipped
   * when that is past the deadline). True: attempt it now.
   */
  async mayAttempt(touch: TouchDue): Promise<boolean> {
    const row = await this.ledger.find(touch.touchId);
    const decision = decideAttempt(
      { dueAt: new Date(touch.dueAt), retries: row?.retries ?? 0, zone: resolveZone(touch.customer, this.storeZone) },
      new Date(),
      this.policy,
    );
    switch (decision.kind) {
      case 'attempt':
        return true;
      case 'skip':
        await this.reports.finish(touch, 'skipped', decision.reason);
        return false;
      case 'fail':
        await this.reports.finish(touch, 'failed', decision.reason);
        return false;
      case 'defer':
        await this.ledger.scheduleAttempt(touch.touchId, decision.until, decision.reason, false);
        this.logger.log({
          msg: 'touch deferred',
          touchId: touch.touchId,
          until: decision.until,
          reason: decision.reason,
        });
        return false;
    }
  }

  /**
   * The recipient turned the touch away for now (a 4xx for this address, an endpoint that timed
   * out before taking anything): nothing reached it, so the touch is retried from the ledger after
   * a jittered backoff, or settled when out of attempts or time. The caller returns normally, so
   * the topic's offset moves on and the partition's other touches are not held up.
   */
  async retryLater(touch: TouchDue, reason: string, retryAfterMs?: number): Promise<void> {
    const row = await this.ledger.find(touch.touchId);
    const retries = (row?.retries ?? 0) + 1;
    const decision = decideRetry(
      { dueAt: new Date(touch.dueAt), retries },
      new Date(),
      this.policy,
      this.random,
      retryAfterMs,
    );
    if (decision.kind === 'retry') {
      await this.ledger.scheduleAttempt(touch.touchId, decision.at, reason, true);
      this.logger.warn({ msg: 'touch retried later', touchId: touch.touchId, reason, retries, at: decision.at });
      return;
    }
    // Counted and released first (sending → pending), so the final move is allowed from either state.
    await this.ledger.recordRefusal(touch.touchId, reason);
    await this.reports.finish(touch, decision.kind === 'fail' ? 'failed' : 'skipped', decision.reason);
  }

  /**
   * An attempt from the ledger threw. A row left `sending` may be with the provider: it keeps its
   * lease and, once that runs out, is reported `unknown` (never resent). A pending one stays
   * pending: after a backoff that does not count against the recipient when the error is
   * retriable (an outage, a stale check), or settled `failed` with the error's code when not.
   */
  async afterError(touch: TouchDue, error: unknown): Promise<void> {
    const row = await this.ledger.find(touch.touchId);
    if (!row || row.status !== 'pending') return;
    if (error instanceof AppError && !error.retriable) {
      this.logger.warn({ msg: 'touch failed from the ledger', touchId: touch.touchId, error: errorMessage(error) });
      await this.reports.finish(touch, 'failed', `error:${error.code.toLowerCase()}`);
      return;
    }
    const decision = decideRetry(
      { dueAt: new Date(touch.dueAt), retries: row.retries },
      new Date(),
      { ...this.policy, maxAttempts: Number.POSITIVE_INFINITY },
      this.random,
      error instanceof AppError ? error.retryAfterMs : undefined,
    );
    // Past the deadline: attempted again at once, and the gate says `expired`.
    const at = decision.kind === 'retry' ? decision.at : new Date();
    this.logger.warn({ msg: 'touch attempt failed; retrying', touchId: touch.touchId, error: errorMessage(error) });
    await this.ledger.scheduleAttempt(touch.touchId, at, row.reason ?? 'retry', false);
  }
}
