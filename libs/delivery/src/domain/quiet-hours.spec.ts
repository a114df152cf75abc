import { isQuiet, nextAllowedSend, parseQuietWindow, resolveZone, type QuietWindow } from './quiet-hours';

const SMS: QuietWindow = { start: '21:00', end: '08:00' };
const at = (iso: string) => new Date(iso);

describe(nextAllowedSend.name, () => {
  const sut = nextAllowedSend;

  describe('a window that crosses midnight (21:00–08:00)', () => {
    it('lets a touch outside the window go at once', () => {
      // 12:00 in Paris (CET, UTC+1).
      expect(sut(at('2026-01-15T11:00:00Z'), 'Europe/Paris', SMS)).toEqual(at('2026-01-15T11:00:00Z'));
      // 20:59:59 local: still allowed.
      expect(sut(at('2026-01-15T19:59:59Z'), 'Europe/Paris', SMS)).toEqual(at('2026-01-15T19:59:59Z'));
      // 08:00 local exactly: the window has ended.
      expect(sut(at('2026-01-15T07:00:00Z'), 'Europe/Paris', SMS)).toEqual(at('2026-01-15T07:00:00Z'));
    });

    it('defers an evening touch to 08:00 the next local morning', () => {
      // 21:00 local (start is inclusive) and 23:30 local.
      expect(sut(at('2026-01-15T20:00:00Z'), 'Europe/Paris', SMS)).toEqual(at('2026-01-16T07:00:00Z'));
      expect(sut(at('2026-01-15T22:30:00Z'), 'Europe/Paris', SMS)).toEqual(at('2026-01-16T07:00:00Z'));
    });

    it('defers an after-midnight touch to 08:00 the same local day', () => {
      // 00:30 local on the 16th, which is still the 15th in UTC.
      expect(sut(at('2026-01-15T23:30:00Z'), 'Europe/Paris', SMS)).toEqual(at('2026-01-16T07:00:00Z'));
      expect(sut(at('2026-01-16T06:59:59Z'), 'Europe/Paris', SMS)).toEqual(at('2026-01-16T07:00:00Z'));
    });

    it('judges on the recipient clock, not the server clock', () => {
      // 22:00 UTC is 14:00 in Los Angeles (allowed) and 07:00 in Tokyo (quiet until 08:00 JST).
      expect(sut(at('2026-01-15T22:00:00Z'), 'America/Los_Angeles', SMS)).toEqual(at('2026-01-15T22:00:00Z'));
      expect(sut(at('2026-01-15T22:00:00Z'), 'Asia/Tokyo', SMS)).toEqual(at('2026-01-15T23:00:00Z'));
      // Half-hour zone: 21:30 IST = 16:00 UTC → 08:00 IST = 02:30 UTC.
      expect(sut(at('2026-01-15T16:00:00Z'), 'Asia/Kolkata', SMS)).toEqual(at('2026-01-16T02:30:00Z'));
    });
  });

  it('handles a window within one day (13:00–15:00)', () => {
    const lunch = { start: '13:00', end: '15:00' };
    expect(sut(at('2026-01-15T12:30:00Z'), 'Europe/Paris', lunch)).toEqual(at('2026-01-15T14:00:00Z'));
    expect(sut(at('2026-01-15T11:59:00Z'), 'Europe/Paris', lunch)).toEqual(at('2026-01-15T11:59:00Z'));
    expect(sut(at('2026-01-15T14:00:00Z'), 'Europe/Paris', lunch)).toEqual(at('2026-01-15T14:00:00Z'));
  });

  it('treats no window, and an empty one, as no quiet hours', () => {
    expect(sut(at('2026-01-15T23:00:00Z'), 'Europe/Paris', undefined)).toEqual(at('2026-01-15T23:00:00Z'));
    expect(sut(at('2026-01-15T23:00:00Z'), undefined, { start: '08:00', end: '08:00' })).toEqual(
      at('2026-01-15T23:00:00Z'),
    );
  });

  describe('DST days', () => {
    it('Europe/Paris spring forward (2026-03-29): 08:00 is already CEST (06:00 UTC)', () => {
      // 01:30 CET, before the 02:00 → 03:00 jump.
      expect(sut(at('2026-03-29T00:30:00Z'), 'Europe/Paris', SMS)).toEqual(at('2026-03-29T06:00:00Z'));
      // 21:30 CET the evening before.
      expect(sut(at('2026-03-28T20:30:00Z'), 'Europe/Paris', SMS)).toEqual(at('2026-03-29T06:00:00Z'));
    });

    it('Europe/Paris fall back (2026-10-25): 08:00 is CET again (07:00 UTC)', () => {
      // 02:30 CEST, first pass through the repeated hour.
      expect(sut(at('2026-10-25T00:30:00Z'), 'Europe/Paris', SMS)).toEqual(at('2026-10-25T07:00:00Z'));
      // 02:30 CET, second pass.
      expect(sut(at('2026-10-25T01:30:00Z'), 'Europe/Paris', SMS)).toEqual(at('2026-10-25T07:00:00Z'));
      // 22:00 CEST the evening before.
      expect(sut(at('2026-10-24T20:00:00Z'), 'Europe/Paris', SMS)).toEqual(at('2026-10-25T07:00:00Z'));
    });

    it('America/New_York spring forward (2026-03-08) and fall back (2026-11-01)', () => {
      // 00:00 EST → 08:00 EDT = 12:00 UTC.
      expect(sut(at('2026-03-08T05:00:00Z'), 'America/New_York', SMS)).toEqual(at('2026-03-08T12:00:00Z'));
      // 01:30 EDT (first pass) → 08:00 EST = 13:00 UTC.
      expect(sut(at('2026-11-01T05:30:00Z'), 'America/New_York', SMS)).toEqual(at('2026-11-01T13:00:00Z'));
      // 01:30 EST (second pass) → the same 08:00 EST.
      expect(sut(at('2026-11-01T06:30:00Z'), 'America/New_York', SMS)).toEqual(at('2026-11-01T13:00:00Z'));
    });

    it('a window ending inside the spring-forward gap ends at the transition', () => {
      // Window 21:00–02:30 in Paris: 02:30 does not exist on 2026-03-29; 02:00 CET → 03:00 CEST at 01:00 UTC.
      const w = { start: '21:00', end: '02:30' };
      expect(sut(at('2026-03-28T23:30:00Z'), 'Europe/Paris', w)).toEqual(at('2026-03-29T01:00:00Z'));
    });

    it('a window ending inside the repeated hour ends at its first occurrence, then applies again', () => {
      // Window 21:00–02:30 in Paris on 2026-10-25: 02:30 CEST = 00:30 UTC, 02:30 CET = 01:30 UTC.
      const w = { start: '21:00', end: '02:30' };
      expect(sut(at('2026-10-25T00:15:00Z'), 'Europe/Paris', w)).toEqual(at('2026-10-25T00:30:00Z'));
      // 02:15 CET (after the clocks went back) is inside the window by the wall clock again.
      expect(sut(at('2026-10-25T01:15:00Z'), 'Europe/Paris', w)).toEqual(at('2026-10-25T01:30:00Z'));
    });
  });

  describe('unknown zone: the most restrictive reading', () => {
    it('defers to the window end in UTC+14 (18:00 UTC for 21:00–08:00)', () => {
      expect(sut(at('2026-01-15T12:00:00Z'), undefined, SMS)).toEqual(at('2026-01-15T18:00:00Z'));
      expect(sut(at('2026-01-15T19:30:00Z'), undefined, SMS)).toEqual(at('2026-01-16T18:00:00Z'));
      expect(sut(at('2026-01-16T17:59:59Z'), undefined, SMS)).toEqual(at('2026-01-16T18:00:00Z'));
    });

    it('goes at once within the hour after that moment, so a touch deferred to it is sent when picked up', () => {
      for (const t of ['2026-01-15T18:00:00Z', '2026-01-15T18:00:00.150Z', '2026-01-15T18:59:59Z']) {
        expect(sut(at(t), undefined, SMS)).toEqual(at(t));
      }
      expect(sut(at('2026-01-15T19:00:00Z'), undefined, SMS)).toEqual(at('2026-01-16T18:00:00Z'));
      // Deferring to the answer and asking again a moment later gives the same moment: no endless deferral.
      const deferred = sut(at('2026-01-15T03:00:00Z'), undefined, SMS);
      const later = new Date(deferred.getTime() + 200);
      expect(sut(later, undefined, SMS)).toEqual(later);
    });

    it('treats an invalid zone name as unknown', () => {
      expect(sut(at('2026-01-15T12:00:00Z'), 'Mars/Olympus_Mons', SMS)).toEqual(at('2026-01-15T18:00:00Z'));
    });

    it('is never earlier than a known zone would allow (at the edges of the span)', () => {
      const from = at('2026-01-15T12:00:00Z');
      const unknown = sut(from, undefined, SMS);
      for (const zone of ['Pacific/Honolulu', 'Pacific/Kiritimati']) {
        expect(unknown.getTime()).toBeGreaterThanOrEqual(sut(from, zone, SMS).getTime());
        expect(isQuiet(unknown, zone, SMS)).toBe(false);
      }
    });
  });
});

describe(isQuiet.name, () => {
  const sut = isQuiet;

  it('is inclusive at the start and exclusive at the end', () => {
    expect(sut(at('2026-01-15T20:00:00Z'), 'Europe/Paris', SMS)).toBe(true);
    expect(sut(at('2026-01-15T07:00:00Z'), 'Europe/Paris', SMS)).toBe(false);
    expect(sut(at('2026-01-15T06:59:00Z'), 'Europe/Paris', SMS)).toBe(true);
  });

  it('is always quiet somewhere when the zone is unknown', () => {
    expect(sut(at('2026-01-15T18:00:00Z'), undefined, SMS)).toBe(true);
    expect(sut(at('2026-01-15T18:00:00Z'), undefined, undefined)).toBe(false);
  });
});

describe(resolveZone.name, () => {
  const sut = resolveZone;

  it('prefers the event timezone, then the country, then the store default', () => {
    expect(sut({ timezone: 'Asia/Tokyo', country: 'FR' }, 'Europe/London')).toBe('Asia/Tokyo');
    expect(sut({ country: 'FR' }, 'Europe/London')).toBe('Europe/Paris');
    expect(sut({ country: 'fr' }, undefined)).toBe('Europe/Paris');
    expect(sut({ country: 'ZZ' }, 'Europe/London')).toBe('Europe/London');
    expect(sut({}, 'Europe/London')).toBe('Europe/London');
  });

  it('skips zones the runtime does not know and returns undefined when nothing is known', () => {
    expect(sut({ timezone: 'Nowhere/Land', country: 'DE' }, undefined)).toBe('Europe/Berlin');
    expect(sut({ timezone: 'Nowhere/Land' }, 'Also/Invalid')).toBeUndefined();
    expect(sut({}, undefined)).toBeUndefined();
  });
});

describe(parseQuietWindow.name, () => {
  const sut = parseQuietWindow;

  it('parses HH:MM-HH:MM and off', () => {
    expect(sut('21:00-08:00')).toEqual({ start: '21:00', end: '08:00' });
    expect(sut(' 9:30 - 17:00 ')).toEqual({ start: '09:30', end: '17:00' });
    expect(sut('off')).toBeUndefined();
    expect(sut('OFF')).toBeUndefined();
  });

  it('rejects anything else', () => {
    expect(() => sut('21-08')).toThrow(RangeError);
    expect(() => sut('25:00-08:00')).toThrow(RangeError);
    expect(() => sut('21:00-08:60')).toThrow(RangeError);
  });
});
