/**
 * Intl formatters by locale (and currency or time zone): building one costs far more than using
 * one. Locales and zones come from storefront events, so the cache is bounded — a stream of
 * distinct tags (`en-x-1`, `en-x-2`, …) empties it rather than growing it without end.
 */
export class FormatterCache<F> {
  private readonly entries = new Map<string, F>();

  constructor(private readonly limit = 256) {}

  get(key: string, build: () => F): F {
    let formatter = this.entries.get(key);
    if (formatter === undefined) {
      formatter = build();
      if (this.entries.size >= this.limit) this.entries.clear();
      this.entries.set(key, formatter);
    }
    return formatter;
  }

  get size(): number {
    return this.entries.size;
  }
}
