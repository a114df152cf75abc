import type { Suppression } from '@reclaim/contracts';

/**
 * Every way a touch can end, or wait, in the words of the send ledger — the one list the three
 * channels map their providers' answers to (SMTP replies, Twilio errors, push service statuses):
 *
 * - `sent`: the provider took the message.
 * - `skipped`: decided before the provider was involved (no address, nothing in stock, suppressed).
 * - `rejected`: refused for good (this message, or a request the provider will never take).
 * - `recipient_gone`: the address no longer exists (an expired push subscription): the touch fails
 *   and the channel forgets the address.
 * - `dead_address`: the address is dead or opted out at the provider (a hard bounce, an SMS STOP
 *   the provider knows of): `stop` is published on the suppression topic for every touch, then the
 *   touch fails.
 * - `unknown`: the provider may or may not have taken it (no answer after the write): never resent.
 * - `retry_later`: not now. `recipient` scope — this recipient turned it away (a 4xx for the
 *   address, an endpoint that timed out before taking anything): retried from the ledger, the
 *   partition moves on (ADR 0006). `provider` scope — the provider is unavailable for everyone:
 *   the partition waits and retries.
 */
export type TouchOutcome =
  | { kind: 'sent'; providerMessageId: string; columns?: Readonly<Record<string, string | number>> }
  | { kind: 'skipped'; reason: string }
  | { kind: 'rejected'; reason: string }
  | { kind: 'recipient_gone'; reason: string }
  | { kind: 'dead_address'; reason: string; stop: Suppression }
  | { kind: 'unknown'; reason: string }
  | { kind: 'retry_later'; reason: string; scope: 'recipient' | 'provider'; retryAfterMs?: number };

/** Where the touch's ledger row is when its outcome is known: not yet handed over, or `sending`. */
export type HandoffStage = 'before_handoff' | 'sending';

/** What the send ledger does with an outcome. */
export type LedgerSettlement =
  | { move: 'mark_sent'; providerMessageId: string }
  | { move: 'mark_skipped' | 'mark_failed' | 'mark_unknown'; reason: string }
  /** Retried from the ledger after a jittered backoff; the partition moves on (ADR 0006). */
  | { move: 'retry_from_ledger'; reason: string; retryAfterMs?: number }
  /** The attempt is counted and the row left (or put back) pending; the error makes the partition wait. */
  | { move: 'count_attempt' | 'release'; reason: string; retryAfterMs?: number };

/** The one mapping from outcome to ledger move, for every channel. */
export function settlementOf(outcome: TouchOutcome, stage: HandoffStage): LedgerSettlement {
  switch (outcome.kind) {
    case 'sent':
      return { move: 'mark_sent', providerMessageId: outcome.providerMessageId };
    case 'skipped':
      return { move: 'mark_skipped', reason: outcome.reason };
    case 'rejected':
    case 'recipient_gone':
    case 'dead_address':
      return { move: 'mark_failed', reason: outcome.reason };
    case 'unknown':
      return { move: 'mark_unknown', reason: outcome.reason };
    case 'retry_later': {
      const retryAfter = outcome.retryAfterMs === undefined ? {} : { retryAfterMs: outcome.retryAfterMs };
      if (outcome.scope === 'recipient') return { move: 'retry_from_ledger', reason: outcome.reason, ...retryAfter };
      return { move: stage === 'sending' ? 'release' : 'count_attempt', reason: outcome.reason, ...retryAfter };
    }
  }
}
