import { nextAllowedSend, type QuietWindow } from './quiet-hours';

/**
 * A channel's rules for attempting one touch (ADR 0006). Durations are real milliseconds here:
 * the configuration's business durations are scaled by RECOVERY_TIME_SCALE before they get here.
 */
export interface AttemptPolicy {
  /** Attempts at the recipient (the first one included) before the touch is `failed: retries_exhausted`. */
  maxAttempts: number;
  /** A touch is not attempted after `dueAt + maxAgeMs` (`skipped: expired`). */
  maxAgeMs: number;
  /** Full-jitter exponential backoff: retry n waits random(0, min(cap, base·2^n)), at least any Retry-After. */
  retryBaseMs: number;
  retryCapMs: number;
  /** The channel's quiet hours on the recipient's clock (undefined: none). */
  quietHours: QuietWindow | undefined;
}

/** The latest moment a touch due at `dueAt` may still be attempted. */
export function touchDeadline(dueAt: Date, maxAgeMs: number): Date {
  return new Date(dueAt.getTime() + maxAgeMs);
}

/**
 * The scheduler's staleness rule, shared with the channels: a touch held back until `until` is
 * stale when that is later than `originalDueAt + maxDeferralMs`.
 */
export function staleAfterDeferral(until: Date, originalDueAt: Date, maxDeferralMs: number): boolean {
  return until.getTime() > originalDueAt.getTime() + maxDeferralMs;
}

/**
 * The wait before retry `retry` (1-based): full jitter, `random(0, min(cap, base·2^retry))`, and
 * never sooner than the provider's `Retry-After`. `random` returns a number in [0, 1).
 */
export function retryBackoffMs(
  retry: number,
  policy: Pick<AttemptPolicy, 'retryBaseMs' | 'retryCapMs'>,
  random: () => number,
  retryAfterMs?: number,
): number {
  const ceiling = Math.min(policy.retryCapMs, policy.retryBaseMs * 2 ** Math.min(retry, 40));
  return Math.max(retryAfterMs ?? 0, Math.floor(random() * ceiling));
}

export type AttemptDecision =
  | { kind: 'attempt' }
  | { kind: 'skip'; reason: string }
  | { kind: 'fail'; reason: string }
  /** Inside the channel's quiet hours: try again from the ledger at `until` (within the deadline). */
  | { kind: 'defer'; until: Date; reason: 'quiet_hours' };

export const EXPIRED = 'expired';
export const RETRIES_EXHAUSTED = 'retries_exhausted';

/**
 * Whether a touch may be attempted at `now`: not past its deadline (`skipped: expired`), not out
 * of attempts (`failed: retries_exhausted`), and not inside the channel's quiet hours on the
 * recipient's clock (deferred to the window's end, or `skipped: stale_after_deferral:quiet_hours`
 * when that end lies past the deadline). `zone` is the recipient's (resolveZone).
 */
export function decideAttempt(
  touch: { dueAt: Date; retries: number; zone: string | undefined },
  now: Date,
  policy: AttemptPolicy,
): AttemptDecision {
  const deadline = touchDeadline(touch.dueAt, policy.maxAgeMs);
  if (now.getTime() > deadline.getTime()) return { kind: 'skip', reason: EXPIRED };
  if (touch.retries >= policy.maxAttempts) return { kind: 'fail', reason: RETRIES_EXHAUSTED };
  const allowed = nextAllowedSend(now, touch.zone, policy.quietHours);
  if (allowed.getTime() <= now.getTime()) return { kind: 'attempt' };
  if (staleAfterDeferral(allowed, touch.dueAt, policy.maxAgeMs)) {
    return { kind: 'skip', reason: 'stale_after_deferral:quiet_hours' };
  }
  return { kind: 'defer', until: allowed, reason: 'quiet_hours' };
}

export type RetryDecision =
  | { kind: 'retry'; at: Date }
  | { kind: 'fail'; reason: typeof RETRIES_EXHAUSTED }
  | { kind: 'skip'; reason: typeof EXPIRED };

/**
 * After the recipient turned a touch away for now (its `retries`-th such failure, counted): the
 * cap reached → `failed: retries_exhausted`; a next attempt past the deadline → `skipped:
 * expired`; else the moment of the next attempt.
 */
export function decideRetry(
  touch: { dueAt: Date; retries: number },
  now: Date,
  policy: AttemptPolicy,
  random: () => number,
  retryAfterMs?: number,
): RetryDecision {
  if (touch.retries >= policy.maxAttempts) return { kind: 'fail', reason: RETRIES_EXHAUSTED };
  const at = new Date(now.getTime() + retryBackoffMs(touch.retries, policy, random, retryAfterMs));
  if (at.getTime() > touchDeadline(touch.dueAt, policy.maxAgeMs).getTime()) return { kind: 'skip', reason: EXPIRED };
  return { kind: 'retry', at };
}
