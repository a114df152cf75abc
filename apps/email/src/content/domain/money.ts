import { FormatterCache } from './formatter-cache';

const formatters = new FormatterCache<Intl.NumberFormat>();

const formatterFor = (locale: string, currency: string): Intl.NumberFormat =>
  formatters.get(`${locale}\u0000${currency}`, () => new Intl.NumberFormat(locale, { style: 'currency', currency }));

/** Formats an amount in minor units (cents) in its currency, e.g. 4500 EUR → "€45.00". */
export function formatMoney(minorUnits: number, currency: string, locale = 'en-US'): string {
  const format = (loc: string) => {
    const nf = formatterFor(loc, currency);
    const digits = nf.resolvedOptions().maximumFractionDigits ?? 2;
    return nf.format(minorUnits / 10 ** digits);
  };
  try {
    return format(locale);
  } catch {
    return format('en-US'); // an unusable locale tag must not stop the message
  }
}
