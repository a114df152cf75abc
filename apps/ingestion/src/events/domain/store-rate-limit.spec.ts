import { StoreRateLimiter } from './store-rate-limit';

describe('StoreRateLimiter', () => {
  const at = (start = 1_000_000) => {
    const clock = { now: start };
    const limiter = new StoreRateLimiter({ requests: 3, events: 10, windowMs: 60_000 }, () => clock.now);
    return { clock, limiter };
  };

  it('refuses the request past the request limit and says when the window frees', () => {
    const { clock, limiter } = at();
    for (let i = 0; i < 3; i++) expect(limiter.take('a', { requests: 1 })).toEqual({ ok: true });
    clock.now += 15_000;
    expect(limiter.take('a', { requests: 1 })).toEqual({
      ok: false,
      limit: 'requests',
      allowed: 3,
      retryAfterMs: 45_000,
    });
    clock.now += 44_999;
    expect(limiter.take('a', { requests: 1 })).toMatchObject({ ok: false, retryAfterMs: 1 });
    clock.now += 1;
    expect(limiter.take('a', { requests: 1 })).toEqual({ ok: true });
  });

  it('counts events, refuses a batch that would pass the limit whole, and still takes one that fits', () => {
    const { clock, limiter } = at();
    expect(limiter.take('a', { events: 6 })).toEqual({ ok: true });
    clock.now += 10_000;
    expect(limiter.take('a', { events: 5 })).toEqual({ ok: false, limit: 'events', allowed: 10, retryAfterMs: 50_000 });
    // The refused batch was not counted: four more still fit.
    expect(limiter.take('a', { events: 4 })).toEqual({ ok: true });
    expect(limiter.take('a', { events: 1 })).toMatchObject({ ok: false, limit: 'events' });
  });

  it('keeps stores apart', () => {
    const { limiter } = at();
    expect(limiter.take('a', { requests: 3, events: 10 })).toEqual({ ok: true });
    expect(limiter.take('a', { requests: 1 })).toMatchObject({ ok: false });
    expect(limiter.take('b', { requests: 1, events: 10 })).toEqual({ ok: true });
  });

  it('opens a new window after the old one ended, with fresh counts', () => {
    const { clock, limiter } = at();
    expect(limiter.take('a', { requests: 3, events: 10 })).toEqual({ ok: true });
    clock.now += 60_000;
    expect(limiter.take('a', { requests: 3, events: 10 })).toEqual({ ok: true });
    clock.now += 1;
    expect(limiter.take('a', { requests: 1 })).toMatchObject({ ok: false, retryAfterMs: 59_999 });
  });
});
