import { z } from 'zod';
import { TimeScale } from '@reclaim/core';
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
