import { encodingOf, gsm7Cost, smsLength } from './encoding';

describe(smsLength.name, () => {
  const sut = smsLength;

  it('fits 160 GSM-7 characters in one segment, and needs two for 161', () => {
    expect(sut('a'.repeat(160))).toEqual({ encoding: 'GSM-7', units: 160, segments: 1 });
    expect(sut('a'.repeat(161))).toEqual({ encoding: 'GSM-7', units: 161, segments: 2 });
  });

  it('counts 153 GSM-7 septets per concatenated segment', () => {
    expect(sut('a'.repeat(306)).segments).toBe(2);
    expect(sut('a'.repeat(307)).segments).toBe(3);
  });

  it('counts extension-table characters as two septets', () => {
    expect(sut('€'.repeat(80))).toEqual({ encoding: 'GSM-7', units: 160, segments: 1 });
    expect(sut('€'.repeat(80) + 'a')).toMatchObject({ units: 161, segments: 2 });
    expect(sut('{}[]~|^\\')).toMatchObject({ encoding: 'GSM-7', units: 16 });
  });

  it('never splits an escaped character across segments', () => {
    // 152 plain septets then a two-septet "€": the "€" starts segment two.
    const text = 'a'.repeat(152) + '€' + 'a'.repeat(152);
    expect(sut(text)).toMatchObject({ units: 306, segments: 3 });
  });

  it('switches the whole message to UCS-2 for one character outside GSM-7: 70 alone, 67 per segment', () => {
    expect(sut('ą' + 'a'.repeat(69))).toEqual({ encoding: 'UCS-2', units: 70, segments: 1 });
    expect(sut('ą' + 'a'.repeat(70))).toEqual({ encoding: 'UCS-2', units: 71, segments: 2 });
    expect(sut('ą'.repeat(134)).segments).toBe(2);
    expect(sut('ą'.repeat(135)).segments).toBe(3);
  });

  it('counts an emoji as two UTF-16 units and keeps the pair together', () => {
    expect(sut('😀'.repeat(35))).toEqual({ encoding: 'UCS-2', units: 70, segments: 1 });
    // 66 units then an emoji: it does not fit the 67-unit segment's last unit.
    expect(sut('ą'.repeat(66) + '😀' + 'ą'.repeat(3))).toMatchObject({ units: 71, segments: 2 });
    expect(sut('ą'.repeat(66) + '😀' + 'ą'.repeat(66))).toMatchObject({ units: 134, segments: 3 });
  });
});

describe(encodingOf.name, () => {
  it('keeps the GSM-7 accents and Greek capitals in GSM-7', () => {
    expect(encodingOf('Café à Zürich, ΔΩ £5 ¿Qué? ñ')).toBe('GSM-7');
  });

  it('needs UCS-2 for characters GSM-7 lacks', () => {
    expect(encodingOf('naïve')).toBe('UCS-2'); // ï is not in GSM-7
    expect(encodingOf('Sí')).toBe('UCS-2'); // í neither (only ì)
    expect(encodingOf('“quoted”')).toBe('UCS-2');
    expect(encodingOf('…')).toBe('UCS-2');
  });
});

describe(gsm7Cost.name, () => {
  it('tells basic, extension and foreign characters apart', () => {
    expect(gsm7Cost('A')).toBe(1);
    expect(gsm7Cost('\n')).toBe(1);
    expect(gsm7Cost('€')).toBe(2);
    expect(gsm7Cost('`')).toBeUndefined();
  });
});
