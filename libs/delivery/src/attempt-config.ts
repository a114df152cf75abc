import { z } from 'zod';
import { envInt, TimeScale } from '@reclaim/core';
import { envDuration } from '@reclaim/platform';
import { isKnownZone, parseQuietWindow, type QuietWindow } from './domain/quiet-hours';
import type { AttemptPolicy } from './domain/touch-attempts';

const isQuietWindow = (text: string): boolean => {
  try {
    parseQuietWindow(text);
    return true;
  } catch {
    return false;
  }
};

/** Quiet hours `HH:MM-HH:MM` on the recipient's local clock, or `off`; parsed to a window or undefined. */
export const envQuietHours = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .refine(isQuietWindow, 'must be HH:MM-HH:MM (e.g. 21:00-08:00) or off')
    .transform(parseQuietWindow);

/** An IANA time zone, or empty for none (parsed to undefined). */
export const envTimeZone = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .refine((zone) => zone === '' || isKnownZone(zone), 'must be an IANA time zone such as Europe/Paris')
    .transform((zone) => (zone === '' ? undefined : zone));

/**
 * The per-touch attempt settings every channel (email, SMS, push) shares, spread into its config
 * schema (the README's config table lists them for each channel that spreads them).
 */
export const touchAttemptConfigShape = {
  /**
   * Attempts at the recipient before a touch is reported `failed: retries_exhausted`: a 4xx for
   * this address, an endpoint that did not take it. Counted only for failures tied to the
   * recipient; an outage of the whole provider never uses them up (ADR 0006).
   */
  TOUCH_MAX_ATTEMPTS: envInt(8, { min: 1, max: 100 }),
  /**
   * A touch is not attempted later than its dueAt (when the scheduler let it go) plus this
   * (business time, scaled by RECOVERY_TIME_SCALE): it is reported `skipped: expired`. Keep it
   * (a reminder a day late is not worth sending).
   */
  TOUCH_MAX_AGE: envDuration('24h'),
  /** Backoff of retries from the send ledger: retry n waits random(0, min(cap, base·2^n)) (full jitter), at least the provider's Retry-After; business time, scaled. */
  TOUCH_RETRY_BASE: envDuration('1m'),
  /** Longest backoff between two retries from the send ledger (business time, scaled). */
  TOUCH_RETRY_CAP: envDuration('1h'),
  /** How often the send ledger is polled for touches whose next attempt is due (real milliseconds, not scaled). */
  TOUCH_RETRY_POLL_INTERVAL_MS: envInt(1_000, { min: 10, max: 60_000 }),
  /** The store's IANA time zone for quiet hours when the touch has no timezone and no known country (as SCHEDULER_STORE_TIMEZONE; empty: unknown, the most restrictive reading). */
  STORE_TIMEZONE: envTimeZone(''),
} as const;

/** The settings every channel's config declares for per-touch attempts (durations parsed to ms). */
export interface TouchAttemptConfig {
  RECOVERY_TIME_SCALE: number;
  TOUCH_MAX_ATTEMPTS: number;
  TOUCH_MAX_AGE: number;
  TOUCH_RETRY_BASE: number;
  TOUCH_RETRY_CAP: number;
  TOUCH_RETRY_POLL_INTERVAL_MS: number;
  STORE_TIMEZONE: string | undefined;
}

/** The channel's attempt policy: business durations scaled by RECOVERY_TIME_SCALE. */
export function attemptPolicyOf(config: TouchAttemptConfig, quietHours: QuietWindow | undefined): AttemptPolicy {
  const scale = new TimeScale(config.RECOVERY_TIME_SCALE);
  return {
    maxAttempts: config.TOUCH_MAX_ATTEMPTS,
    maxAgeMs: scale.ms(config.TOUCH_MAX_AGE),
    retryBaseMs: scale.ms(config.TOUCH_RETRY_BASE),
    retryCapMs: scale.ms(config.TOUCH_RETRY_CAP),
    quietHours,
  };
}
