/**
 * Marks a value stored in its escaped form. A noncharacter (U+FDD0, "for a process's internal
 * use"): no identifier a storefront or a service makes starts with it, and every suppression scope
 * starts with its ASCII kind (`cart:`, `contact:`, …), so values already stored are unchanged.
 */
export const STORABLE_TEXT_MARKER = '\uFDD0';

/** U+0000, or a UTF-16 surrogate without its pair (the pg driver would store it as U+FFFD). */
// eslint-disable-next-line no-control-regex -- U+0000 is exactly what PostgreSQL refuses
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** True when PostgreSQL stores `s` in a text column exactly as it is. */
export function isStorableText(s: string): boolean {
  return !UNSTORABLE.test(s);
}

/**
 * `s` in a form PostgreSQL accepts in text and keeps apart from every other string: `s` itself
 * when it is storable and does not start with the marker, else the marker followed by
 * `JSON.stringify(s)` (which escapes NUL and lone surrogates). Injective: a value of the first
 * kind never starts with the marker, and JSON.stringify is injective. Every write and every
 * look-up of such a column goes through it, so the same input always meets the same row.
 */
export function storableText(s: string): string {
  return isStorableText(s) && !s.startsWith(STORABLE_TEXT_MARKER) ? s : STORABLE_TEXT_MARKER + JSON.stringify(s);
}

/** storableText for an optional value (absent stays null). */
export function storableTextOrNull(s: string | null | undefined): string | null {
  return s === undefined || s === null ? null : storableText(s);
}

/** The inverse of storableText (for reading a stored value back). */
export function fromStorableText(stored: string): string {
  if (!stored.startsWith(STORABLE_TEXT_MARKER)) return stored;
  const decoded: unknown = JSON.parse(stored.slice(STORABLE_TEXT_MARKER.length));
  if (typeof decoded !== 'string') throw new Error('not a storableText value');
  return decoded;
}
