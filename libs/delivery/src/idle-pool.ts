/** A provider connection that can wait, idle, for its next message. */
export interface PooledSession {
  /** Still open, and nothing came from the other side while it idled (no FIN, no error). */
  alive(): boolean;
  close(): void;
}

/**
 * Idle provider connections kept for the next hand-off (SMTP, HTTP keep-alive). A connection is
 * handed out only until `idleUntil` — for HTTP, well before the server's own keep-alive timeout
 * (`keepAliveDeadline`), so the server never closes it under a request just written — and only
 * while `alive()`. Sessions are handed out newest first; anything expired or dead is closed on the
 * way. Taking happens in a channel's `open()`, before the last suppression check (ADR 0005).
 */
export class IdlePool<S extends PooledSession> {
  private readonly idle: Array<{ session: S; idleUntil: number }> = [];

  constructor(
    private readonly maxIdle: number,
    private readonly clock: () => number = Date.now,
  ) {}

  take(): S | undefined {
    for (let entry = this.idle.pop(); entry; entry = this.idle.pop()) {
      if (entry.idleUntil > this.clock() && entry.session.alive()) return entry.session;
      entry.session.close();
    }
    return undefined;
  }

  give(session: S, idleUntil: number): void {
    if (this.idle.length >= this.maxIdle || idleUntil <= this.clock() || !session.alive()) {
      session.close();
      return;
    }
    this.idle.push({ session, idleUntil });
  }

  get size(): number {
    return this.idle.length;
  }

  closeAll(): void {
    for (const { session } of this.idle.splice(0)) session.close();
  }
}

/** Without a `Keep-Alive: timeout=N` hint, an idle HTTP connection is reused for this long at most. */
export const DEFAULT_KEEP_ALIVE_MS = 2_000;
/** How long before the server's advertised keep-alive timeout we stop reusing a connection. */
export const KEEP_ALIVE_MARGIN_MS = 1_000;
const MAX_KEEP_ALIVE_MS = 30_000;

/**
 * Until when an HTTP/1.1 connection that just answered may be reused, from its answer's
 * `Connection` and `Keep-Alive` headers: undefined when the server closes it; else now plus the
 * advertised timeout less a margin (or a short default), capped.
 */
export function keepAliveDeadline(
  headers: { connection?: string | undefined; 'keep-alive'?: string | undefined },
  now: number,
): number | undefined {
  if (
    headers.connection
      ?.toLowerCase()
      .split(/\s*,\s*/)
      .includes('close')
  )
    return undefined;
  const hint = /(?:^|,)\s*timeout\s*=\s*(\d+)/i.exec(headers['keep-alive'] ?? '')?.[1];
  const ms = hint === undefined ? DEFAULT_KEEP_ALIVE_MS : Number(hint) * 1_000 - KEEP_ALIVE_MARGIN_MS;
  return ms > 0 ? now + Math.min(ms, MAX_KEEP_ALIVE_MS) : undefined;
}
