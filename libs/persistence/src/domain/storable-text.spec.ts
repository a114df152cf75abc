import { fromStorableText, isStorableText, STORABLE_TEXT_MARKER, storableText } from './storable-text';

describe('storableText', () => {
  it('leaves ordinary values (every scope Reclaim spells) unchanged', () => {
    for (const s of ['cart:store-1:c-1', 'contact:email:s:ada@example.com', '', 'ünïcødé 😀', '\uFFFD', 'a\u0001b']) {
      expect(storableText(s)).toBe(s);
    }
  });

  it('escapes NUL, lone surrogates and values starting with the marker into something PostgreSQL stores', () => {
    for (const s of ['c\u0000x', 'x\uD800', '\uDC00x', 'a\uDBFF\u0000', `${STORABLE_TEXT_MARKER}x`]) {
      const stored = storableText(s);
      expect(stored.startsWith(STORABLE_TEXT_MARKER)).toBe(true);
      expect(isStorableText(stored)).toBe(true);
      expect(fromStorableText(stored)).toBe(s);
    }
  });

  it('keeps a surrogate pair (a real emoji) as it is, and a lone surrogate apart from U+FFFD', () => {
    expect(isStorableText('\uD83D\uDE00')).toBe(true);
    expect(isStorableText('\uD83D')).toBe(false);
    expect(storableText('x\uD800')).not.toBe(storableText('x\uFFFD'));
  });

  it('is injective across tricky pairs', () => {
    const m = STORABLE_TEXT_MARKER;
    const inputs = [
      'c\u0000x',
      'c\\u0000x',
      '"c\\u0000x"',
      `${m}"c\\u0000x"`,
      `${m}"${m}"`,
      m,
      `${m}${m}`,
      `${m}""`,
      '',
      'x\uD800',
      'x\\ud800',
      'x\uFFFD',
      'x\uDC00',
      '\uD800\uDC00',
      '\uDC00\uD800',
      'a\u0000',
      'a\u0000\u0000',
      'a',
      `${m}"a\\u0000"`,
    ];
    const stored = inputs.map(storableText);
    expect(new Set(stored).size).toBe(inputs.length);
    expect(stored.map(fromStorableText)).toEqual(inputs);
  });
});
