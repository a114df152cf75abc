/** One formatter per locale and currency: building an Intl.NumberFormat costs far more than using one. */
const formatters = new Map<string, Intl.NumberFormat>();

function formatterFor(locale: string, currency: string): Intl.NumberFormat {
  const key = `${locale}\u0000${currency}`;
  let nf = formatters.get(key);
  if (!nf) formatters.set(key, (nf = new Intl.NumberFormat(locale, { style: 'currency', currency })));
  return nf;
}

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
