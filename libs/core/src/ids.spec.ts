import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { derivedId, MAX_TOKEN_LENGTH, parseSigningKeys, signToken, stableBucket, verifyToken } from './ids';

describe(signToken.name, () => {
  it('round-trips a payload and rejects any change to body or signature', () => {
    const token = signToken({ s: 'shop', n: 1 }, 'k1');
    expect(verifyToken(token, 'k1')).toEqual({ s: 'shop', n: 1 });
    const [body = '', mac = ''] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ s: 'other', n: 1 })).toString('base64url');
    expect(verifyToken(`${forged}.${mac}`, 'k1')).toBeUndefined();
    expect(verifyToken(`${body}.${mac.slice(1)}`, 'k1')).toBeUndefined();
    expect(verifyToken(token, 'k2')).toBeUndefined();
    expect(verifyToken('garbage', 'k1')).toBeUndefined();
  });
});

describe(`${verifyToken.name}: one canonical form`, () => {
  const secret = 'k1';
  /** A token over an arbitrary body text, correctly signed: only the form check can refuse it. */
  const signedBody = (bytes: Buffer) => {
    const body = bytes.toString('base64url');
    return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
  };
  // A payload whose token holds '-' or '_' somewhere, so its standard-alphabet twin differs.
  const payload = (() => {
    for (let n = 0; ; n++) if (/[-_]/.test(signToken({ s: 'shop', n }, secret))) return { s: 'shop', n };
  })();
  const token = signToken(payload, secret);
  const [body = '', mac = ''] = token.split('.');
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const lastMacChar = mac.at(-1) ?? '';
  // The last of 43 characters carries 4 bits and 2 zero bits: flipping a zero bit decodes the same.
  const sameBytesMac = `${mac.slice(0, -1)}${alphabet.charAt(alphabet.indexOf(lastMacChar) ^ 1)}`;

  it('accepts the token as issued', () => {
    expect(verifyToken(token, secret)).toEqual(payload);
  });

  it.each([
    ['a padded signature', `${token}=`],
    ['a padded body', `${body}=.${mac}`],
    ['the standard base64 alphabet', token.replaceAll('-', '+').replaceAll('_', '/')],
    ['non-zero trailing bits in the signature', `${body}.${sameBytesMac}`],
    ['trailing garbage', `${token}!`],
    ['a trailing space', `${token} `],
    ['a trailing newline', `${token}\n`],
    ['a third segment', `${token}.x`],
    ['a leading space', ` ${token}`],
    ['U+0000 inside', `${body}\u0000.${mac}`],
    ['a control character inside', `${body}.${mac.slice(0, 10)}\u0007${mac.slice(10)}`],
    ['a lone surrogate', `${token}\ud800`],
    ['an absurd length', `${body}${'A'.repeat(MAX_TOKEN_LENGTH)}.${mac}`],
    ['an empty string', ''],
    ['a lone dot', '.'],
  ])('refuses %s without throwing', (_what, variant) => {
    expect(variant).not.toBe(token);
    expect(verifyToken(variant, secret)).toBeUndefined();
  });

  it('refuses correctly signed bodies that signToken would not have written', () => {
    expect(verifyToken(signedBody(Buffer.from('{"s":"shop"}')), secret)).toEqual({ s: 'shop' });
    for (const json of [
      '{ "s": "shop" }',
      '{"s":"shop"}\n',
      '{"s":"x","s":"shop"}',
      '{"s":"\\u0073hop"}',
      '[1]',
      '1',
    ]) {
      expect(verifyToken(signedBody(Buffer.from(json)), secret)).toBeUndefined();
    }
    expect(verifyToken(signedBody(Buffer.from([0x7b, 0xff, 0x7d])), secret)).toBeUndefined(); // not UTF-8
  });

  it('refuses anything that is not a string', () => {
    expect(verifyToken(undefined, secret)).toBeUndefined();
    expect(verifyToken(['a', 'b'], secret)).toBeUndefined();
  });

  it('refuses every one-character insertion, deletion or replacement of a valid token', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: token.length }),
        fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
        fc.constantFrom('insert', 'delete', 'replace'),
        (at, ch, edit) => {
          const variant =
            edit === 'insert'
              ? token.slice(0, at) + ch + token.slice(at)
              : token.slice(0, at) + (edit === 'replace' ? ch : '') + token.slice(at + 1);
          return variant === token || verifyToken(variant, secret) === undefined;
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('round-trips any JSON object payload', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (p) => {
        const normal = JSON.parse(JSON.stringify(p)) as Record<string, unknown>;
        return JSON.stringify(verifyToken(signToken(p, secret), secret)) === JSON.stringify(normal);
      }),
    );
  });
});

describe(stableBucket.name, () => {
  it('is deterministic and spreads evenly enough over 0..99', () => {
    expect(stableBucket('shop', 'cust-1')).toBe(stableBucket('shop', 'cust-1'));
    const buckets = Array.from({ length: 10_000 }, (_, i) => stableBucket('shop', `c${i}`));
    const under10 = buckets.filter((b) => b < 10).length;
    expect(Math.min(...buckets)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...buckets)).toBeLessThan(100);
    expect(under10).toBeGreaterThan(850);
    expect(under10).toBeLessThan(1150);
  });

  it('separates parts so that ("ab","c") and ("a","bc") differ', () => {
    expect(derivedId('ab', 'c')).not.toBe(derivedId('a', 'bc'));
  });
});

describe(parseSigningKeys.name, () => {
  it('reads a key ring, newest first, and a bare secret with an id derived from it', () => {
    expect(parseSigningKeys('k2:new-secret-2,k1:old-secret-1').keys).toEqual([
      { id: 'k2', secret: 'new-secret-2' },
      { id: 'k1', secret: 'old-secret-1' },
    ]);
    const [bare] = parseSigningKeys('just-one-secret').keys;
    expect(bare).toEqual({ id: expect.stringMatching(/^[0-9a-f]{8}$/), secret: 'just-one-secret' });
    expect(parseSigningKeys('just-one-secret').keys[0].id).toBe(bare?.id);
  });

  it('takes an entry whose text before ":" is no key id as a bare secret', () => {
    expect(parseSigningKeys('not an id:secret').keys[0]?.secret).toBe('not an id:secret');
  });

  it.each(['', ' , ', 'a:x,a:y', 'k1:'])('refuses %j', (text) => {
    expect(() => parseSigningKeys(text)).toThrow(RangeError);
  });
});

describe('key rotation', () => {
  const before = parseSigningKeys('k1:old-secret-0123456789');
  const after = parseSigningKeys('k2:new-secret-0123456789,k1:old-secret-0123456789');
  const retired = parseSigningKeys('k2:new-secret-0123456789');

  it('signs with the newest key and names it in the token', () => {
    const token = signToken({ t: 'touch-1' }, after);
    expect(verifyToken(token, after)).toEqual({ t: 'touch-1', k: 'k2' });
    expect(verifyToken(token, before)).toBeUndefined();
  });

  it('keeps every link signed before the rotation working, until its key is retired', () => {
    const sent = signToken({ t: 'touch-0' }, before);
    expect(verifyToken(sent, after)).toEqual({ t: 'touch-0', k: 'k1' });
    expect(verifyToken(sent, retired)).toBeUndefined();
  });

  it('verifies a token without a key id (signed before key ids existed) against any key of the ring', () => {
    const legacy = signToken({ t: 'touch-l' }, 'old-secret-0123456789');
    expect(verifyToken(legacy, after)).toEqual({ t: 'touch-l' });
  });

  it('does not let a token pick a key it was not signed with by naming it', () => {
    const forged = signToken({ t: 'x', k: 'k2' }, 'attacker-secret-0123456789');
    expect(verifyToken(forged, after)).toBeUndefined();
  });
});
