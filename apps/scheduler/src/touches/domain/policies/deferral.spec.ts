import type { RecentSend } from './caps';
import {
  asDeferReason,
  decide,
  deferralInWords,
  MAX_POLICY_ROUNDS,
  type PolicySettings,
  type TouchUnderPolicy,
} from './deferral';

const H = 3_600_000;
const settings: PolicySettings = {
  caps: { minGapMs: 4 * H, dailyCap: 2, dailyWindowMs: 24 * H, perCartChannelCaps: { sms: 2 } },
  quietHours: { sms: { start: '21:00', end: '08:00' } },
  maxDeferralMs: 12 * H,
};
const iso = (s: string) => new Date(s);
const touch = (partial: Partial<TouchUnderPolicy> = {}): TouchUnderPolicy => ({
  channel: 'sms',
  cartId: 'c1',
  originalDueAt: iso('2026-01-15T11:00:00Z'),
  zone: 'Europe/Paris',
  ...partial,
});
const sent = (at: string, channel: RecentSend['channel'] = 'email', cartId = 'c1'): RecentSend => ({
  at: iso(at),
  channel,
  cartId,
});

describe(decide.name, () => {
  const sut = decide;

  it('sends a touch that no policy holds back', () => {
    expect(sut(touch(), iso('2026-01-15T11:00:00Z'), [], settings)).toEqual({ kind: 'send' });
  });

  it('sends an SMS for an unknown zone when the dispatcher picks it up just after its deferral', () => {
    const due = iso('2026-01-15T12:00:00Z');
    const first = sut(touch({ zone: undefined, originalDueAt: due }), due, [], settings);
    expect(first).toMatchObject({ kind: 'defer', until: iso('2026-01-15T18:00:00Z'), reason: 'quiet_hours' });
    const pickedUp = iso('2026-01-15T18:00:00.180Z');
    expect(sut(touch({ zone: undefined, originalDueAt: due }), pickedUp, [], settings)).toEqual({ kind: 'send' });
  });

  it('defers an SMS due in quiet hours to the window end', () => {
    // 22:00 in Paris → 08:00 CET.
    const due = iso('2026-01-15T21:00:00Z');
    expect(sut(touch({ originalDueAt: due }), due, [], settings)).toEqual({
      kind: 'defer',
      until: iso('2026-01-16T07:00:00Z'),
      reason: 'quiet_hours',
      reasons: ['quiet_hours'],
    });
  });

  it('applies quiet hours per channel: email has none unless configured', () => {
    const due = iso('2026-01-15T21:00:00Z');
    expect(sut(touch({ channel: 'email', originalDueAt: due }), due, [], settings)).toEqual({ kind: 'send' });
    const withEmail = { ...settings, quietHours: { ...settings.quietHours, email: { start: '22:00', end: '07:00' } } };
    expect(sut(touch({ channel: 'email', originalDueAt: due }), due, [], withEmail)).toMatchObject({
      kind: 'defer',
      until: iso('2026-01-16T06:00:00Z'),
    });
  });

  it('defers by the minimum gap after the shopper’s last message on any channel', () => {
    const due = iso('2026-01-15T11:00:00Z');
    expect(
      sut(touch({ channel: 'email', cartId: 'c2' }), due, [sent('2026-01-15T10:00:00Z', 'push')], settings),
    ).toEqual({
      kind: 'defer',
      until: iso('2026-01-15T14:00:00Z'),
      reason: 'min_gap',
      reasons: ['min_gap'],
    });
  });

  it('defers by the daily cap', () => {
    const due = iso('2026-01-15T11:00:00Z');
    const sends = [sent('2026-01-14T13:00:00Z'), sent('2026-01-15T05:00:00Z')];
    expect(sut(touch({ channel: 'email' }), due, sends, settings)).toMatchObject({
      kind: 'defer',
      until: iso('2026-01-15T13:00:00Z'),
      reason: 'daily_cap',
    });
  });

  it('iterates until every policy agrees: a gap that ends at night moves on to the morning', () => {
    // Last send 19:00 CET; the gap ends 23:00 CET, inside SMS quiet hours → 08:00 CET.
    const due = iso('2026-01-15T19:00:00Z');
    expect(sut(touch({ originalDueAt: due }), due, [sent('2026-01-15T18:00:00Z')], settings)).toEqual({
      kind: 'defer',
      until: iso('2026-01-16T07:00:00Z'),
      reason: 'min_gap',
      reasons: ['min_gap', 'quiet_hours'],
    });
  });

  it('and a window end that falls inside the gap waits for the gap too', () => {
    // 07:00 CET now (quiet), last send at 06:00 CET: window ends 08:00, gap ends 10:00 CET.
    const now = iso('2026-01-16T06:00:00Z');
    expect(sut(touch({ originalDueAt: now }), now, [sent('2026-01-16T05:00:00Z')], settings)).toEqual({
      kind: 'defer',
      until: iso('2026-01-16T09:00:00Z'),
      reason: 'quiet_hours',
      reasons: ['quiet_hours', 'min_gap'],
    });
  });

  it('skips with the reason when the next allowed moment is past the staleness limit', () => {
    // 21:00 CET, window end 11 h later: with a 10 h limit it is stale.
    const due = iso('2026-01-15T20:00:00Z');
    expect(sut(touch({ originalDueAt: due }), due, [], { ...settings, maxDeferralMs: 10 * H })).toEqual({
      kind: 'skip',
      reason: 'stale_after_deferral:quiet_hours',
    });
    expect(sut(touch({ originalDueAt: due }), due, [], { ...settings, maxDeferralMs: 11 * H })).toMatchObject({
      kind: 'defer',
    });
  });

  it('measures staleness from the original due time, not from a previous deferral', () => {
    // Deferred once already: originally due 10 h ago, now held back by the gap for 3 more hours.
    const now = iso('2026-01-15T12:00:00Z');
    const decision = sut(
      touch({ channel: 'email', originalDueAt: iso('2026-01-15T02:00:00Z') }),
      now,
      [sent('2026-01-15T11:00:00Z')],
      settings,
    );
    expect(decision).toEqual({ kind: 'skip', reason: 'stale_after_deferral:min_gap' });
  });

  it('skips when the cart used up its channel cap: waiting would not help', () => {
    const sends = [sent('2026-01-10T10:00:00Z', 'sms'), sent('2026-01-11T10:00:00Z', 'sms')];
    expect(sut(touch(), iso('2026-01-15T11:00:00Z'), sends, settings)).toEqual({ kind: 'skip', reason: 'channel_cap' });
  });

  it('with an unknown zone, waits for the end of the window in UTC+14', () => {
    const due = iso('2026-01-15T12:00:00Z');
    expect(sut(touch({ zone: undefined, originalDueAt: due }), due, [], settings)).toMatchObject({
      kind: 'defer',
      until: iso('2026-01-15T18:00:00Z'),
      reason: 'quiet_hours',
    });
  });

  it('settles within MAX_POLICY_ROUNDS when a cap ends inside a window', () => {
    // Gap ends 11:15 (inside an 11:00–13:00 window), the window ends at 13:00, and the hourly
    // cap is clear by then: three moves, well within the bound.
    const now = iso('2026-01-15T11:00:00Z');
    const tight: PolicySettings = {
      caps: { minGapMs: 30 * 60_000, dailyCap: 1, dailyWindowMs: H, perCartChannelCaps: {} },
      quietHours: { email: { start: '11:00', end: '13:00' } },
      maxDeferralMs: 100 * H,
    };
    const decision = sut(
      touch({ channel: 'email', zone: 'UTC', originalDueAt: now }),
      now,
      [sent('2026-01-15T10:45:00Z')],
      tight,
    );
    expect(decision).toMatchObject({ kind: 'defer', until: iso('2026-01-15T13:00:00Z') });
    expect(MAX_POLICY_ROUNDS).toBeGreaterThanOrEqual(3);
  });
});

describe(deferralInWords.name, () => {
  it('names quiet hours with the zone they were read in', () => {
    expect(deferralInWords('quiet_hours', 'Europe/Berlin')).toBe('quiet hours, Europe/Berlin');
  });

  it('says when no zone was known', () => {
    expect(deferralInWords('quiet_hours', undefined)).toBe('quiet hours, zone unknown (most restrictive)');
  });

  it('names the caps by policy, without a zone', () => {
    expect(deferralInWords('min_gap', 'Europe/Berlin')).toBe('minimum gap between messages');
    expect(deferralInWords('daily_cap', undefined)).toBe('daily message cap');
  });
});

describe(asDeferReason.name, () => {
  it('reads a stored reason, and nothing from a touch never deferred or an unknown reason', () => {
    expect(asDeferReason('min_gap')).toBe('min_gap');
    expect(asDeferReason(null)).toBeUndefined();
    expect(asDeferReason('toString')).toBeUndefined();
    expect(asDeferReason('later')).toBeUndefined();
  });
});
