import { FormatterCache } from './formatter-cache';

/**
 * An instant as the shopper reads it: in their locale's format, on their clock, with the zone
 * named so it is never ambiguous — "Dec 9, 2026, 2:56 PM EST", "9 déc. 2026, 20:56 UTC+1".
 * (`dateStyle` cannot be combined with `timeZoneName`, so the fields are spelled out.)
 */
const formatters = new FormatterCache<Intl.DateTimeFormat>();

const formatterFor = (locale: string, timeZone: string): Intl.DateTimeFormat =>
  formatters.get(
    `${locale}\u0000${timeZone}`,
    () =>
      new Intl.DateTimeFormat(locale, {
        year: 'numeric',
        month: 'short',
        day: 'numeric',
        hour: 'numeric',
        minute: '2-digit',
        timeZone,
        timeZoneName: 'short',
      }),
  );

function usable(build: () => unknown): boolean {
  try {
    build();
    return true;
  } catch {
    return false;
  }
}

/** An unusable locale tag or time zone must not stop the message: en-US and UTC stand in. */
export function formatShopperTime(at: Date, locale = 'en-US', timeZone = 'UTC'): string {
  const loc = usable(() => formatterFor(locale, 'UTC')) ? locale : 'en-US';
  const zone = usable(() => formatterFor('en-US', timeZone)) ? timeZone : 'UTC';
  return formatterFor(loc, zone).format(at);
}
