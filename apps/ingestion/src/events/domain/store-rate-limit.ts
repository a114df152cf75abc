/**
 * Fixed-window rate limit per store, counting requests and events: each store's window opens with
 * its first request and lasts `windowMs`; a request that would take the store past either limit
 * is refused without counting, and told how long until its window ends (when it frees). Pure and
 * in memory: behind several instances each keeps its own counts.
 */
export interface RateLimits {
  requests: number;
  events: number;
  windowMs: number;
}

export type RateVerdict =
  { ok: true } | { ok: false; limit: 'requests' | 'events'; allowed: number; retryAfterMs: number };

interface Window {
  startedAt: number;
  requests: number;
  events: number;
}

export class StoreRateLimiter {
  private readonly windows = new Map<string, Window>();

  constructor(
    readonly limits: RateLimits,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts `requests` and `events` against the store's window, or refuses them whole. */
  take(store: string, asked: { requests?: number; events?: number }): RateVerdict {
    const now = this.now();
    let window = this.windows.get(store);
    if (!window || now >= window.startedAt + this.limits.windowMs) {
      window = { startedAt: now, requests: 0, events: 0 };
      this.windows.set(store, window);
    }
    const requests = asked.requests ?? 0;
    const events = asked.events ?? 0;
    const retryAfterMs = window.startedAt + this.limits.windowMs - now;
    if (window.requests + requests > this.limits.requests) {
      return { ok: false, limit: 'requests', allowed: this.limits.requests, retryAfterMs };
    }
    if (window.events + events > this.limits.events) {
      return { ok: false, limit: 'events', allowed: this.limits.events, retryAfterMs };
    }
    window.requests += requests;
    window.events += events;
    return { ok: true };
  }
}
