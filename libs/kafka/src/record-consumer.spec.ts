import { MAX_RETRY_AFTER_MS, retryDelay } from './record-consumer';

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
