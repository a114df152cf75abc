import {
  decideAttempt,
  decideRetry,
  retryBackoffMs,
  staleAfterDeferral,
  touchDeadline,
  type AttemptPolicy,
} from './touch-attempts';

const H = 3_600_000;
const policy: AttemptPolicy = {
  maxAttempts: 4,
  maxAgeMs: 24 * H,
  retryBaseMs: 1_000,
  retryCapMs: 10_000,
  quietHours: { start: '21:00', end: '08:00' },
};
const iso = (s: string) => new Date(s);

describe(retryBackoffMs.name, () => {
  const sut = retryBackoffMs;

  it('draws from zero up to base·2^retry, capped (full jitter)', () => {
    expect(sut(1, policy, () => 0)).toBe(0);
    expect(sut(1, policy, () => 0.999_999)).toBe(1_999);
    expect(sut(2, policy, () => 0.5)).toBe(2_000);
    expect(sut(3, policy, () => 0.999_999)).toBe(7_999);
    // The ceiling grows until the cap, then stays there.
    expect(sut(4, policy, () => 0.999_999)).toBe(9_999);
    expect(sut(30, policy, () => 0.999_999)).toBe(9_999);
    expect(sut(1_000, policy, () => 0.5)).toBe(5_000);
  });

  it('spreads retries: many draws for one retry are not all the same', () => {
    const draws = new Set(Array.from({ length: 50 }, () => sut(3, policy, Math.random)));
    expect(draws.size).toBeGreaterThan(10);
    for (const d of draws) expect(d).toBeLessThan(8_000);
  });

  it('never comes back sooner than the provider asked (Retry-After), even above the cap', () => {
    expect(sut(1, policy, () => 0, 1_500)).toBe(1_500);
    expect(sut(1, policy, () => 0.999_999, 1_500)).toBe(1_999);
    expect(sut(1, policy, () => 0.5, 60_000)).toBe(60_000);
  });
});

describe(decideAttempt.name, () => {
  const sut = decideAttempt;
  // 12:00 in Paris (CET).
  const noon = iso('2026-01-15T11:00:00Z');

  it('attempts a touch within its deadline, attempts left, outside quiet hours', () => {
    expect(sut({ dueAt: noon, retries: 0, zone: 'Europe/Paris' }, noon, policy)).toEqual({ kind: 'attempt' });
    const almost = new Date(noon.getTime() + 24 * H);
    expect(sut({ dueAt: noon, retries: 3, zone: 'Europe/Paris' }, almost, policy)).toEqual({ kind: 'attempt' });
  });

  it('skips a touch past dueAt + max age as expired, before anything else', () => {
    const late = new Date(noon.getTime() + 24 * H + 1);
    expect(sut({ dueAt: noon, retries: 9, zone: 'Europe/Paris' }, late, policy)).toEqual({
      kind: 'skip',
      reason: 'expired',
    });
  });

  it('fails a touch that used up its attempts', () => {
    expect(sut({ dueAt: noon, retries: 4, zone: 'Europe/Paris' }, noon, policy)).toEqual({
      kind: 'fail',
      reason: 'retries_exhausted',
    });
  });

  it('defers a touch inside quiet hours on the recipient clock to the window end', () => {
    // 02:00 in Paris → 08:00 CET = 07:00 UTC.
    const night = iso('2026-01-15T01:00:00Z');
    expect(sut({ dueAt: night, retries: 0, zone: 'Europe/Paris' }, night, policy)).toEqual({
      kind: 'defer',
      until: iso('2026-01-15T07:00:00Z'),
      reason: 'quiet_hours',
    });
    // Same instant, a zone where it is afternoon: goes now.
    expect(sut({ dueAt: night, retries: 0, zone: 'Asia/Tokyo' }, night, policy)).toEqual({ kind: 'attempt' });
  });

  it('skips when the window ends after the deadline', () => {
    const night = iso('2026-01-15T01:00:00Z');
    expect(sut({ dueAt: night, retries: 0, zone: 'Europe/Paris' }, night, { ...policy, maxAgeMs: 5 * H })).toEqual({
      kind: 'skip',
      reason: 'stale_after_deferral:quiet_hours',
    });
  });

  it('has no quiet hours when the channel has none', () => {
    const night = iso('2026-01-15T01:00:00Z');
    expect(
      sut({ dueAt: night, retries: 0, zone: 'Europe/Paris' }, night, { ...policy, quietHours: undefined }),
    ).toEqual({ kind: 'attempt' });
  });
});

describe(decideRetry.name, () => {
  const sut = decideRetry;
  const now = iso('2026-01-15T11:00:00Z');

  it('schedules the next attempt after the jittered backoff', () => {
    expect(sut({ dueAt: now, retries: 2 }, now, policy, () => 0.5)).toEqual({
      kind: 'retry',
      at: new Date(now.getTime() + 2_000),
    });
  });

  it('fails once the failures reach the cap', () => {
    expect(sut({ dueAt: now, retries: 4 }, now, policy, () => 0)).toEqual({
      kind: 'fail',
      reason: 'retries_exhausted',
    });
  });

  it('skips as expired when the next attempt would fall past the deadline', () => {
    const dueAt = new Date(now.getTime() - 24 * H + 500);
    expect(sut({ dueAt, retries: 1 }, now, policy, () => 0.9)).toEqual({ kind: 'skip', reason: 'expired' });
    expect(sut({ dueAt, retries: 1 }, now, policy, () => 0.1)).toMatchObject({ kind: 'retry' });
  });
});

describe(staleAfterDeferral.name, () => {
  it('is stale only strictly past the original due time plus the limit', () => {
    expect(staleAfterDeferral(iso('2026-01-15T12:00:00Z'), iso('2026-01-15T00:00:00Z'), 12 * H)).toBe(false);
    expect(staleAfterDeferral(iso('2026-01-15T12:00:00.001Z'), iso('2026-01-15T00:00:00Z'), 12 * H)).toBe(true);
  });
});

describe(touchDeadline.name, () => {
  it('is the due time plus the max age', () => {
    expect(touchDeadline(iso('2026-01-15T00:00:00Z'), 24 * H)).toEqual(iso('2026-01-16T00:00:00Z'));
  });
});
