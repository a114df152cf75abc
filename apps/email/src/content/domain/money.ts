/** Formats an amount in minor units (cents) in its currency, e.g. 4500 EUR → "€45.00". */
export function formatMoney(minorUnits: number, currency: string, locale = 'en-US'): string {
  const format = (loc: string) => {
    const nf = new Intl.NumberFormat(loc, { style: 'currency', currency });
    const digits = nf.resolvedOptions().maximumFractionDigits ?? 2;
    return nf.format(minorUnits / 10 ** digits);
  };
  try {
    return format(locale);
  } catch {
    return format('en-US'); // an unusable locale tag must not stop the message
  }
}
