import { DEFAULT_KEEP_ALIVE_MS, IdlePool, keepAliveDeadline, type PooledSession } from './idle-pool';

class Fake implements PooledSession {
  closed = false;
  dead = false;
  constructor(readonly name: string) {}
  alive(): boolean {
    return !this.dead && !this.closed;
  }
  close(): void {
    this.closed = true;
  }
}

describe('IdlePool', () => {
  it('hands out the newest live session, closing expired and dead ones on the way', () => {
    let now = 0;
    const pool = new IdlePool<Fake>(4, () => now);
    const [old, dead, fresh] = [new Fake('old'), new Fake('dead'), new Fake('fresh')];
    pool.give(old, 100);
    pool.give(dead, 1_000);
    pool.give(fresh, 1_000);
    dead.dead = true;
    now = 500;
    expect(pool.take()).toBe(fresh);
    expect(pool.take()).toBeUndefined();
    expect([old.closed, dead.closed, fresh.closed]).toEqual([true, true, false]);
  });

  it('closes what it cannot keep: over the limit, already expired, or dead', () => {
    const pool = new IdlePool<Fake>(1, () => 0);
    const [a, b, c] = [new Fake('a'), new Fake('b'), new Fake('c')];
    pool.give(a, 10);
    pool.give(b, 10);
    pool.give(c, 0);
    expect([a.closed, b.closed, c.closed]).toEqual([false, true, true]);
    pool.closeAll();
    expect(a.closed).toBe(true);
    expect(pool.size).toBe(0);
  });
});

describe('keepAliveDeadline', () => {
  it('stops reusing a connection a margin before the timeout the server advertised', () => {
    expect(keepAliveDeadline({ 'keep-alive': 'timeout=5' }, 1_000)).toBe(5_000);
    expect(keepAliveDeadline({ 'keep-alive': 'max=100, timeout=60' }, 0)).toBe(30_000);
  });

  it('uses a short default without a hint, and never reuses one the server closes', () => {
    expect(keepAliveDeadline({}, 0)).toBe(DEFAULT_KEEP_ALIVE_MS);
    expect(keepAliveDeadline({ connection: 'close' }, 0)).toBeUndefined();
    expect(keepAliveDeadline({ connection: 'Keep-Alive, Close' }, 0)).toBeUndefined();
    expect(keepAliveDeadline({ 'keep-alive': 'timeout=1' }, 0)).toBeUndefined();
  });
});
