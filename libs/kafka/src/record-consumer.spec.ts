import { DependencyUnavailableError, InvalidInputError, type AppError } from '@reclaim/core';
import { classifyFailure, MAX_RETRY_AFTER_MS, retryDelay } from './record-consumer';

describe('retryDelay', () => {
  it('backs off exponentially from 200 ms to 5 s', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 20].map((n) => retryDelay(n))).toEqual([
      200, 400, 800, 1_600, 3_200, 5_000, 5_000, 5_000,
    ]);
  });

  it('waits at least as long as the dependency asked, within the upper bound', () => {
    expect(retryDelay(1, 2_000)).toBe(2_000);
    expect(retryDelay(1, 3_600_000)).toBe(MAX_RETRY_AFTER_MS);
  });

  it('never retries sooner than its own backoff, whatever the dependency said', () => {
    expect(retryDelay(6, 0)).toBe(5_000);
    expect(retryDelay(3, 100)).toBe(800);
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
