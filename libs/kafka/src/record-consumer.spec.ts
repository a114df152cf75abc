import { DependencyUnavailableError, InvalidInputError, type AppError } from '@reclaim/core';
import { classifyFailure, MAX_RETRY_AFTER_MS, RETRY_BASE_MS, RETRY_CAP_MS, retryDelay } from './record-consumer';

describe('retryDelay', () => {
  const lowest = () => 0;
  const highest = () => 1 - Number.EPSILON;

  it('draws each wait between 0 and an exponential ceiling from 200 ms to 5 s (full jitter)', () => {
    const attempts = [1, 2, 3, 4, 5, 6, 7, 20, 1_000];
    expect(attempts.map((n) => retryDelay(n, undefined, lowest))).toEqual(attempts.map(() => 0));
    expect(attempts.map((n) => retryDelay(n, undefined, highest))).toEqual([
      199, 399, 799, 1_599, 3_199, 4_999, 4_999, 4_999, 4_999,
    ]);
    expect(retryDelay(3, undefined, () => 0.5)).toBe(400);
  });

  it('stays within its bounds whatever the random source says', () => {
    for (let attempt = 1; attempt <= 12; attempt++) {
      const ceiling = Math.min(RETRY_CAP_MS, RETRY_BASE_MS * 2 ** (attempt - 1));
      for (let i = 0; i < 200; i++) {
        const delay = retryDelay(attempt);
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThan(ceiling);
        expect(Number.isInteger(delay)).toBe(true);
      }
    }
  });

  it('spreads the retries of consumers that failed together', () => {
    const delays = new Set(Array.from({ length: 50 }, () => retryDelay(6)));
    expect(delays.size).toBeGreaterThan(10);
  });

  it('waits at least as long as the dependency asked, within the upper bound', () => {
    expect(retryDelay(1, 2_000, highest)).toBe(2_000);
    expect(retryDelay(1, 2_000, lowest)).toBe(2_000);
    expect(retryDelay(1, 3_600_000, highest)).toBe(MAX_RETRY_AFTER_MS);
  });

  it('keeps its own jittered wait when the dependency asked for less', () => {
    expect(retryDelay(6, 0, highest)).toBe(4_999);
    expect(retryDelay(3, 100, () => 0.5)).toBe(400);
    expect(retryDelay(3, 100, lowest)).toBe(100);
  });
});

describe('classifyFailure', () => {
  const refused = new InvalidInputError('refused (SQLSTATE 22021)');
  const down = new DependencyUnavailableError('database down');
  /** A stand-in classifier: knows errors by message. */
  const classifier = (error: unknown): AppError | undefined => {
    const text = String(error instanceof Error ? (error.cause ?? error.message) : error);
    if (text.includes('22021')) return refused;
    if (text.includes('ECONNREFUSED')) return down;
    return undefined;
  };

  it('without a classifier: an AppError speaks for itself, anything else is unclassified', () => {
    expect(classifyFailure(down)).toBe(down);
    expect(classifyFailure(new Error('22021'))).toBeUndefined();
  });

  it("classifies what the handler left unclassified with the classifier's verdict", () => {
    expect(classifyFailure(new Error('22021'), classifier)).toBe(refused);
    expect(classifyFailure(new Error('ECONNREFUSED'), classifier)).toBe(down);
    expect(classifyFailure(new TypeError('bug'), classifier)).toBeUndefined();
  });

  it('a permanent refusal wrapped as "unavailable" is dead-lettered, not retried forever', () => {
    const wrapped = new DependencyUnavailableError('send ledger: x', { cause: '22021' });
    expect(classifyFailure(wrapped, classifier)).toBe(refused);
  });

  it("keeps an AppError's own word otherwise", () => {
    const retriable = new DependencyUnavailableError('smtp', { cause: 'ECONNREFUSED', retryAfterMs: 5_000 });
    expect(classifyFailure(retriable, classifier)).toBe(retriable);
    const invalid = new InvalidInputError('bad contract');
    expect(classifyFailure(invalid, () => down)).toBe(invalid);
  });
});
