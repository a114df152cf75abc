import { z } from 'zod';
import { envInt } from '@reclaim/core';
import { baseConfigShape, envDuration, envPort } from '@reclaim/platform';
import { isKnownZone, parseQuietWindow } from '@reclaim/delivery';

const isQuietWindow = (text: string): boolean => {
  try {
    parseQuietWindow(text);
    return true;
  } catch {
    return false;
  }
};

/** Quiet hours `HH:MM-HH:MM` on the recipient's local clock, or `off`; parsed to a window or undefined. */
const envQuietHours = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .refine(isQuietWindow, 'must be HH:MM-HH:MM (e.g. 21:00-08:00) or off')
    .transform(parseQuietWindow);

export const SchedulerConfig = z.object({
  ...baseConfigShape,
  SCHEDULER_PORT: envPort(3002),
  /** How often the dispatcher looks for due touches (real milliseconds, not scaled). */
  SCHEDULER_POLL_INTERVAL_MS: envInt(200, { min: 10, max: 60_000 }),
  /** How many due touches one dispatch transaction claims at most. */
  SCHEDULER_DISPATCH_BATCH: envInt(100, { min: 1, max: 1000 }),
  /** SMS quiet hours on the recipient's local clock (`HH:MM-HH:MM`, may cross midnight, or `off`); a touch inside is deferred to the window end. */
  SCHEDULER_QUIET_HOURS_SMS: envQuietHours('21:00-08:00'),
  /** Email quiet hours on the recipient's local clock (`HH:MM-HH:MM` or `off`). */
  SCHEDULER_QUIET_HOURS_EMAIL: envQuietHours('off'),
  /** Push quiet hours on the recipient's local clock (`HH:MM-HH:MM` or `off`). */
  SCHEDULER_QUIET_HOURS_PUSH: envQuietHours('off'),
  /** The store's IANA time zone, used for quiet hours when the event has no timezone and no known country; empty: unknown (the most restrictive reading). */
  SCHEDULER_STORE_TIMEZONE: z
    .string()
    .default('')
    .refine((zone) => zone === '' || isKnownZone(zone), 'must be an IANA time zone such as Europe/Paris')
    .transform((zone) => (zone === '' ? undefined : zone)),
  /** One message per shopper at a time: minimum business time between two touches to the same shopper on any channel (scaled; `0s` disables). */
  SCHEDULER_MIN_GAP: envDuration('4h', { allowZero: true }),
  /** At most this many touches per shopper within any 24 h of business time (scaled; 0 disables). */
  SCHEDULER_DAILY_CAP: envInt(2, { min: 0, max: 100 }),
  /** At most this many SMS per cart, ever; a touch past it is skipped with `channel_cap` (0: no cap). */
  SCHEDULER_SMS_PER_CART: envInt(2, { min: 0, max: 100 }),
  /** A touch whose next allowed moment is later than its original due time plus this (business time, scaled) is skipped as `stale_after_deferral:<why>`. */
  SCHEDULER_MAX_DEFERRAL: envDuration('12h', { allowZero: true }),
});
export type SchedulerConfig = z.output<typeof SchedulerConfig>;
