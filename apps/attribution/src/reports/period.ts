import { z } from 'zod';
import { DAY_MS, InvalidInputError } from '@reclaim/core';

/** The longest period one report covers. */
export const MAX_PERIOD_DAYS = 366;
export const DEFAULT_PERIOD_DAYS = 30;

const Instant = z.iso.datetime({ offset: true, message: 'must be an RFC 3339 timestamp such as 2026-11-01T00:00:00Z' });

const PeriodQuery = z.object({ from: Instant.optional(), to: Instant.optional() });

/**
 * `?from=&to=` (RFC 3339) → the period; default the last 30 days up to now. Refused (400, naming
 * the parameter): malformed instants, from not before to, periods over MAX_PERIOD_DAYS.
 */
export function parsePeriod(query: Record<string, unknown>, now = new Date()): { from: Date; to: Date } {
  const parsed = PeriodQuery.safeParse({ from: query['from'], to: query['to'] });
  if (!parsed.success) {
    throw new InvalidInputError(
      'invalid period',
      parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    );
  }
  const to = parsed.data.to ? new Date(parsed.data.to) : now;
  const from = parsed.data.from ? new Date(parsed.data.from) : new Date(to.getTime() - DEFAULT_PERIOD_DAYS * DAY_MS);
  if (from >= to) throw new InvalidInputError('invalid period', [{ path: 'from', message: 'must be before to' }]);
  if (to.getTime() - from.getTime() > MAX_PERIOD_DAYS * DAY_MS)
    throw new InvalidInputError('invalid period', [
      { path: 'from', message: `the period may span at most ${MAX_PERIOD_DAYS} days` },
    ]);
  return { from, to };
}
