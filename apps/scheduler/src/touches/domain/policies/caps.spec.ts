import { checkCaps, type CapSettings, type RecentSend } from './caps';

const H = 3_600_000;
const t0 = Date.parse('2026-01-15T12:00:00Z');
const at = (hours: number) => new Date(t0 + hours * H);
const settings: CapSettings = {
  minGapMs: 4 * H,
  dailyCap: 2,
  dailyWindowMs: 24 * H,
  perCartChannelCaps: { sms: 2 },
};
const send = (hours: number, channel: RecentSend['channel'] = 'email', cartId = 'c1'): RecentSend => ({
  at: at(hours),
  channel,
  cartId,
});

describe(checkCaps.name, () => {
  const sut = checkCaps;

  it('allows the first message to a shopper', () => {
    expect(sut({ at: at(0), channel: 'email', cartId: 'c1' }, [], settings)).toEqual({ kind: 'allowed' });
  });

  describe('minimum gap (one message per shopper at a time, across channels and carts)', () => {
    it('defers a touch until the gap after the last send has passed', () => {
      expect(sut({ at: at(1), channel: 'sms', cartId: 'c2' }, [send(0, 'email', 'c1')], settings)).toEqual({
        kind: 'defer',
        reason: 'min_gap',
        deferUntil: at(4),
      });
    });

    it('measures from the latest send and allows once the gap has passed exactly', () => {
      const sends = [send(-30), send(-2)];
      expect(sut({ at: at(1), channel: 'email', cartId: 'c1' }, sends, settings)).toMatchObject({
        deferUntil: at(2),
      });
      expect(sut({ at: at(2), channel: 'email', cartId: 'c1' }, sends, settings)).toEqual({ kind: 'allowed' });
    });

    it('is off at 0', () => {
      expect(sut({ at: at(0), channel: 'email', cartId: 'c1' }, [send(0)], { ...settings, minGapMs: 0 })).toEqual({
        kind: 'allowed',
      });
    });
  });

  describe('daily cap (rolling window)', () => {
    it('defers the third send within 24 h until the oldest leaves the window', () => {
      const sends = [send(-20), send(-8)];
      expect(sut({ at: at(0), channel: 'email', cartId: 'c3' }, sends, settings)).toEqual({
        kind: 'defer',
        reason: 'daily_cap',
        deferUntil: at(4),
      });
      expect(sut({ at: at(4), channel: 'email', cartId: 'c3' }, sends, settings)).toEqual({ kind: 'allowed' });
    });

    it('with several sends over the cap waits for enough of them to leave', () => {
      const sends = [send(-23), send(-18), send(-12), send(-6)];
      // 4 in the window, cap 2: three must leave before one more fits → the third oldest (−12 h) + 24 h.
      expect(sut({ at: at(0), channel: 'email', cartId: 'c3' }, sends, settings)).toMatchObject({
        reason: 'daily_cap',
        deferUntil: at(12),
      });
    });

    it('does not count sends that already left the window', () => {
      expect(sut({ at: at(0), channel: 'email', cartId: 'c1' }, [send(-24), send(-5)], settings)).toEqual({
        kind: 'allowed',
      });
    });

    it('is off at 0', () => {
      const sends = [send(-20), send(-10), send(-5)];
      expect(sut({ at: at(0), channel: 'email', cartId: 'c1' }, sends, { ...settings, dailyCap: 0 })).toEqual({
        kind: 'allowed',
      });
    });
  });

  describe('per-cart channel caps', () => {
    it('lets a cart have two SMS, never a third, however long ago they went', () => {
      const one = [send(-100, 'sms', 'c1')];
      expect(sut({ at: at(0), channel: 'sms', cartId: 'c1' }, one, settings)).toEqual({ kind: 'allowed' });
      const two = [send(-100, 'sms', 'c1'), send(-50, 'sms', 'c1')];
      expect(sut({ at: at(0), channel: 'sms', cartId: 'c1' }, two, settings)).toEqual({
        kind: 'exhausted',
        reason: 'channel_cap',
      });
    });

    it('counts only that cart and that channel', () => {
      const sends = [send(-100, 'sms', 'c1'), send(-50, 'sms', 'c1'), send(-40, 'email', 'c2')];
      expect(sut({ at: at(0), channel: 'sms', cartId: 'c2' }, sends, settings)).toEqual({ kind: 'allowed' });
      expect(sut({ at: at(0), channel: 'email', cartId: 'c1' }, sends, settings)).toEqual({ kind: 'allowed' });
    });

    it('wins over the deferring caps (waiting would not help)', () => {
      const sends = [send(-3, 'sms', 'c1'), send(-1, 'sms', 'c1')];
      expect(sut({ at: at(0), channel: 'sms', cartId: 'c1' }, sends, settings)).toMatchObject({ kind: 'exhausted' });
    });
  });

  it('names the minimum gap before the daily cap when both apply', () => {
    const sends = [send(-20), send(-1)];
    expect(sut({ at: at(0), channel: 'email', cartId: 'c1' }, sends, settings)).toMatchObject({
      reason: 'min_gap',
      deferUntil: at(3),
    });
  });
});
