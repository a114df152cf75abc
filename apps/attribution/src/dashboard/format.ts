/**
 * Numbers as the dashboard shows them: counts grouped, percentages and percentage points with one
 * decimal and a real minus sign, money per currency from minor units (never summed across
 * currencies), intervals spelled out with what kind of interval they are.
 */

const MINUS = '\u2212';
const NBSP = '\u00a0';
const LOCALE = 'en';

const counts = new Intl.NumberFormat(LOCALE);

export const count = (n: number): string => counts.format(n);

/** One decimal, a real minus, no "-0.0". */
const fixed1 = (n: number): string => {
  const text = Math.abs(n).toFixed(1);
  return n < 0 && Number(text) !== 0 ? `${MINUS}${text}` : text;
};

const signed1 = (n: number): string => {
  const text = fixed1(n);
  return text.startsWith(MINUS) || Number(text) === 0 ? text : `+${text}`;
};

/** A share (0..1) as "12.3 %"; "—" when unknown. */
export const percent = (share: number | null | undefined): string =>
  share === null || share === undefined || !Number.isFinite(share) ? '—' : `${fixed1(share * 100)}${NBSP}%`;

/** A difference of shares as signed percentage points: "+3.1 pp". */
export const points = (difference: number): string => `${signed1(difference * 100)}${NBSP}pp`;

/** "+3.1 pp (−0.4 to +6.6, always-valid 95 %)". */
export const interval = (estimate: number, [low, high]: readonly [number, number], kind: string): string =>
  `${points(estimate)} (${signed1(low * 100)} to ${signed1(high * 100)}, ${kind} 95${NBSP}%)`;

const moneyFormats = new Map<string, Intl.NumberFormat | null>();

const moneyFormat = (currency: string): Intl.NumberFormat | null => {
  if (!moneyFormats.has(currency)) {
    let format: Intl.NumberFormat | null;
    try {
      format = new Intl.NumberFormat(LOCALE, { style: 'currency', currency });
    } catch {
      format = null; // not an ISO 4217 code: shown as a plain number with the code
    }
    moneyFormats.set(currency, format);
  }
  return moneyFormats.get(currency) ?? null;
};

/** Minor units of `currency` as money: 123456 EUR → "€1,234.56"; JPY has no minor unit. */
export function money(minor: number, currency: string): string {
  const format = moneyFormat(currency);
  if (!format) return `${(minor / 100).toFixed(2)}${NBSP}${currency}`;
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(minor / 10 ** digits);
}

/** Amounts in several currencies, each on its own, in code order: "€12.00 · $3.50"; "—" when none. */
export function monies(perCurrency: Readonly<Record<string, number>>): string {
  const entries = Object.entries(perCurrency).sort(([a], [b]) => a.localeCompare(b));
  return entries.length === 0 ? '—' : entries.map(([currency, minor]) => money(minor, currency)).join(' · ');
}

/** Hours as a short duration: "45 min", "6 h", "3 d". */
export function hours(h: number): string {
  if (h < 1) return `${Math.round(h * 60)}${NBSP}min`;
  if (h < 48) return `${Number(h.toFixed(1))}${NBSP}h`;
  return `${Number((h / 24).toFixed(1))}${NBSP}d`;
}
