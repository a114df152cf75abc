/** Injected clocks keep time-dependent rules testable. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

/**
 * `RECOVERY_TIME_SCALE` multiplies every business duration: 0.001 turns an hour into 3.6 s.
 * Durations never drop below 1 ms so ordering is preserved.
 */
export class TimeScale {
  constructor(readonly factor: number) {
    if (!(factor > 0) || !Number.isFinite(factor)) {
      throw new RangeError(`time scale must be a positive number, got ${factor}`);
    }
  }

  ms(businessMs: number): number {
    return Math.max(1, Math.round(businessMs * this.factor));
  }
}

/** Parses durations such as `30m`, `1h`, `48h`, `2d`, `15s`, `500ms`. */
export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(text.trim());
  if (!match) throw new RangeError(`not a duration: "${text}" (use e.g. 30m, 1h, 2d)`);
  const value = Number(match[1]);
  const unit = match[2] as 'ms' | 's' | 'm' | 'h' | 'd';
  const factor = { ms: 1, s: 1000, m: MINUTE_MS, h: HOUR_MS, d: DAY_MS }[unit];
  return value * factor;
}

/**
 * An HTTP `Retry-After` value (RFC 9110 §10.2.3) as milliseconds from `now`: either delay-seconds
 * or an HTTP-date. Undefined when absent or unreadable; a date in the past is 0.
 */
export function parseRetryAfter(value: string | ReadonlyArray<string> | undefined, now: Date): number | undefined {
  const text = (typeof value === 'string' ? value : value?.[0])?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // An IMF-fixdate (or the obsolete forms Date.parse also reads), never a bare number or ISO string.
  if (!/^[A-Za-z]{3},? /.test(text) && !/^[A-Za-z]+day, /.test(text)) return undefined;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime());
}
