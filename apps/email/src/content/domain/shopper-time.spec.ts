import { formatShopperTime } from './shopper-time';

describe(formatShopperTime.name, () => {
  const sut = formatShopperTime;
  const at = new Date('2026-12-09T19:56:00Z');
  // ICU separates the time from AM/PM with a narrow no-break space; compare with plain spaces.
  const plain = (s: string) => s.replace(/\s/g, ' ');

  it("shows the instant on the shopper's clock with the zone named, in their locale's format", () => {
    expect(plain(sut(at, 'en-US', 'America/New_York'))).toBe('Dec 9, 2026, 2:56 PM EST');
    expect(plain(sut(at, 'fr-FR', 'Europe/Paris'))).toBe('9 déc. 2026, 20:56 UTC+1');
    expect(plain(sut(at, 'de-DE', 'Europe/Berlin'))).toBe('9. Dez. 2026, 20:56 MEZ');
  });

  it('names UTC when the shopper has no time zone', () => {
    expect(plain(sut(at, 'en-US'))).toBe('Dec 9, 2026, 7:56 PM UTC');
  });

  it('falls back to en-US and UTC for a locale or time zone it cannot use', () => {
    expect(plain(sut(at, 'not a locale!', 'Europe/Paris'))).toBe('Dec 9, 2026, 8:56 PM GMT+1');
    expect(plain(sut(at, 'fr-FR', 'Mars/Olympus'))).toBe('9 déc. 2026, 19:56 UTC');
  });
});
