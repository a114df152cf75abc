import {
  decodeUtf8Strict,
  graphemesOf,
  identifierProblem,
  parseFormStrict,
  SafeId,
  SafeText,
  shortenText,
  textProblem,
} from './text';

describe(decodeUtf8Strict.name, () => {
  it('decodes UTF-8 exactly, astral characters included', () => {
    expect(decodeUtf8Strict(Buffer.from('{"t":"Łódź 🧵"}'))).toBe('{"t":"Łódź 🧵"}');
  });

  it.each([
    ['a stray continuation byte', [0x61, 0x80]],
    ['a truncated sequence', [0xe2, 0x82]],
    ['an overlong encoding of "/"', [0xc0, 0xaf]],
    ['an encoded surrogate (CESU-8)', [0xed, 0xa0, 0x80]],
    ['a byte that never appears in UTF-8', [0xff]],
  ])('refuses %s instead of turning it into U+FFFD', (_what, bytes) => {
    expect(decodeUtf8Strict(Uint8Array.from(bytes))).toBeUndefined();
  });
});

describe(parseFormStrict.name, () => {
  it('reads a form body like URLSearchParams does when it is clean', () => {
    const sut = parseFormStrict(Buffer.from('Body=Stop+now%21&From=%2B14155550100'));
    expect(sut.ok && Object.fromEntries(sut.params)).toEqual({ Body: 'Stop now!', From: '+14155550100' });
  });

  it.each([
    ['raw invalid UTF-8', Buffer.from([0x42, 0x3d, 0xff])],
    ['a percent-escape of invalid UTF-8', Buffer.from('Body=%FF')],
    ['a percent-escaped surrogate', Buffer.from('From=%ED%A0%80')],
    ['a broken percent-escape', Buffer.from('Body=100%')],
  ])('refuses %s', (_what, body) => {
    expect(parseFormStrict(body).ok).toBe(false);
  });
});

describe('string rules', () => {
  it('allows free text every character but U+0000 and lone surrogates', () => {
    expect(textProblem('tab\there\nnew line\u0085 🧵')).toBeUndefined();
    expect(textProblem('a\u0000')).toBe('must not contain U+0000');
    expect(textProblem('\ud83e')).toMatch(/lone surrogate/);
    expect(textProblem('\udff5x')).toMatch(/lone surrogate/);
  });

  it('allows identifiers no control character at all', () => {
    expect(identifierProblem('cart-1 ü 🧵')).toBeUndefined();
    for (const c of ['\u0001', '\t', '\u001f', '\u007f', '\u0080', '\u009f']) {
      expect(identifierProblem(`a${c}b`)).toBe('must not contain control characters');
    }
  });

  it('reports the rule through the schemas', () => {
    expect(SafeId().safeParse('').success).toBe(false);
    expect(SafeId(3).safeParse('abcd').success).toBe(false);
    expect(SafeId().safeParse('a\u0000').error?.issues[0]?.message).toBe('must not contain control characters');
    expect(SafeText(20).parse(' kept as sent ')).toBe(' kept as sent ');
  });
});

describe(shortenText.name, () => {
  it('keeps a short text whole, its white space made single spaces', () => {
    expect(shortenText('  Linen \n Shirt ', 20)).toBe('Linen Shirt');
  });

  it('cuts a long text to the limit with an ellipsis', () => {
    const cut = shortenText('Merino wool crew-neck sweater', 10);
    expect(cut).toBe('Merino wo…');
    expect(graphemesOf(cut)).toHaveLength(10);
  });

  it('never splits an emoji sequence or an accent from its letter', () => {
    const family = '👩‍👩‍👧';
    const cut = shortenText(`Toy ${family}${family} set`, 6);
    expect(cut).toBe(`Toy ${family}…`);
    expect(textProblem(cut)).toBeUndefined();
    expect(shortenText('Cafe\u0301 cre\u0300me brûlée', 5)).toBe('Cafe\u0301…');
  });
});
