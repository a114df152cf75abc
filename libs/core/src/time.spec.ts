import { parseDuration, parseRetryAfter } from './time';

describe('parseRetryAfter', () => {
  const now = new Date('2026-12-02T10:00:00Z');

  it('reads delay-seconds', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
  });

  it('reads an HTTP-date as the time left until then, and a past date as now', () => {
    expect(parseRetryAfter('Wed, 02 Dec 2026 10:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Wed, 02 Dec 2026 09:59:00 GMT', now)).toBe(0);
  });

  it('takes the first of repeated headers', () => {
    expect(parseRetryAfter(['5', '60'], now)).toBe(5_000);
  });

  it('ignores what it cannot read rather than guessing', () => {
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter('', now)).toBeUndefined();
    expect(parseRetryAfter('-5', now)).toBeUndefined();
    expect(parseRetryAfter('1.5', now)).toBeUndefined();
    expect(parseRetryAfter('2026-12-02T10:00:30Z', now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
  });
});

describe('parseDuration', () => {
  it('reads each unit', () => {
    expect([parseDuration('500ms'), parseDuration('15s'), parseDuration('30m'), parseDuration('2d')]).toEqual([
      500, 15_000, 1_800_000, 172_800_000,
    ]);
  });

  it('refuses a bare number', () => {
    expect(() => parseDuration('30')).toThrow(/not a duration/);
  });
});
