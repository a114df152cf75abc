import { z } from 'zod';
import { DEFAULT_PERIOD_DAYS, MAX_PERIOD_DAYS } from '../reports/period';

/** The reporting period the dashboard shows: whole UTC days, `fromDay` to `toDay` inclusive. */
export interface Period {
  fromDay: string;
  toDay: string;
  /** What the report is asked for: the start of `fromDay`, and the end of `toDay` or now if earlier. */
  from: Date;
  to: Date;
}

/** The same defaults and bound as the reports API's period (reports/period.ts). */
export const DEFAULT_DAYS = DEFAULT_PERIOD_DAYS;
export const MAX_DAYS = MAX_PERIOD_DAYS;
const DAY = 86_400_000;

const day = z.iso.date({ message: 'must be a date, YYYY-MM-DD' });
const PeriodQuery = z.object({
  from: day.optional(),
  to: day.optional(),
});

const dayOf = (date: Date): string => date.toISOString().slice(0, 10);
const startOf = (day: string): Date => new Date(`${day}T00:00:00.000Z`);
const addDays = (day: string, days: number): string => dayOf(new Date(startOf(day).getTime() + days * DAY));

/** The last `days` days up to and including today (UTC). */
export function lastDays(days: number, now: Date): { fromDay: string; toDay: string } {
  const toDay = dayOf(now);
  return { fromDay: addDays(toDay, -(days - 1)), toDay };
}

/**
 * The period `?from=&to=` asks for (dates, UTC, both inclusive), or what is wrong with it. Missing
 * `to` is today; missing `from` is 30 days up to `to`. Empty values count as missing (an empty
 * date field submits as `from=`).
 */
export function periodFromQuery(query: Record<string, unknown>, now: Date): Period | { error: string } {
  const given = Object.fromEntries(
    ['from', 'to'].map((name) => [name, query[name] === '' ? undefined : query[name]]),
  ) as Record<string, unknown>;
  const parsed = PeriodQuery.safeParse(given);
  if (!parsed.success) {
    return { error: parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`).join('; ') };
  }
  const toDay = parsed.data.to ?? dayOf(now);
  const fromDay = parsed.data.from ?? addDays(toDay, -(DEFAULT_DAYS - 1));
  if (fromDay > toDay) return { error: `from (${fromDay}) is after to (${toDay})` };
  if (startOf(fromDay).getTime() > now.getTime()) return { error: `from (${fromDay}) is in the future` };
  const days = (startOf(toDay).getTime() - startOf(fromDay).getTime()) / DAY + 1;
  if (days > MAX_DAYS) return { error: `the period is ${days} days; at most ${MAX_DAYS}` };
  const end = startOf(addDays(toDay, 1));
  return { fromDay, toDay, from: startOf(fromDay), to: end.getTime() < now.getTime() ? end : now };
}
