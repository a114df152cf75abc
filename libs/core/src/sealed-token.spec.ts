import { createCipheriv, hkdfSync } from 'node:crypto';
import fc from 'fast-check';
import { parseSigningKeys, signToken, verifyToken } from './ids';
import { MAX_SEALED_TOKEN_LENGTH, openJson, openToken, sealJson, sealToken } from './sealed-token';

const OLD = parseSigningKeys(`k1:${'o'.repeat(40)}`);
const RING = parseSigningKeys(`k2:${'n'.repeat(40)},k1:${'o'.repeat(40)}`);
const payload = { s: 'shop', e: 'ada.lovelace@example.com', p: '+4915112345678', u: 'https://shop.example/cart/c-1' };

describe(sealToken.name, () => {
  it('round-trips bytes and JSON, with a fresh IV each time', () => {
    const bytes = Buffer.from([0, 1, 2, 255]);
    expect(openToken(sealToken(bytes, RING, 'p'), RING, 'p')).toEqual(bytes);
    const a = sealJson(payload, RING, 'p');
    const b = sealJson(payload, RING, 'p');
    expect(a).not.toBe(b);
    expect(openJson(a, RING, 'p')).toEqual(payload);
    expect(openJson(b, RING, 'p')).toEqual(payload);
  });

  it('writes the version and the sealing key id in clear, in URL-safe text', () => {
    expect(sealJson(payload, RING, 'p')).toMatch(/^v1\.k2\.[A-Za-z0-9_-]+$/);
    // A plain secret seals under the id its key ring derives from it (as signToken does).
    expect(sealJson(payload, 'a-plain-secret', 'p')).toMatch(/^v1\.[0-9a-f]{8}\.[A-Za-z0-9_-]+$/);
  });

  it('rotates: the newest key seals, every key of the ring opens', () => {
    const before = sealJson(payload, OLD, 'p');
    expect(before.startsWith('v1.k1.')).toBe(true);
    expect(openJson(before, RING, 'p')).toEqual(payload);
    const after = sealJson(payload, RING, 'p');
    expect(after.startsWith('v1.k2.')).toBe(true);
    // …and once k2 is the only key left, k1's tokens no longer open.
    expect(openJson(after, parseSigningKeys(`k2:${'n'.repeat(40)}`), 'p')).toEqual(payload);
    expect(openJson(before, parseSigningKeys(`k2:${'n'.repeat(40)}`), 'p')).toBeUndefined();
    expect(openJson(after, OLD, 'p')).toBeUndefined();
  });

  it('opens for its own purpose and key only', () => {
    const token = sealJson(payload, RING, 'resume-link');
    expect(openJson(token, RING, 'unsubscribe')).toBeUndefined();
    expect(openJson(token, parseSigningKeys(`k2:${'x'.repeat(40)}`), 'resume-link')).toBeUndefined();
    expect(openJson(token, 'some-other-secret', 'resume-link')).toBeUndefined();
  });

  it('keeps encryption and signing apart: a signed token does not open, a sealed one does not verify', () => {
    expect(openJson(signToken(payload, RING), RING, 'p')).toBeUndefined();
    expect(verifyToken(sealJson(payload, RING, 'p'), RING)).toBeUndefined();
  });

  describe('refuses, without throwing', () => {
    const token = sealJson(payload, RING, 'p');
    const data = token.slice('v1.k2.'.length);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = data.at(-1) ?? '';
    // data's length is never a multiple of 4 here (12 + n + 16 bytes for this payload), so its last
    // character has unused low bits: flipping one decodes to the same bytes in another spelling.
    const sameBytes = `v1.k2.${data.slice(0, -1)}${alphabet.charAt(alphabet.indexOf(last) ^ 1)}`;
    const flip = (i: number) => {
      const bytes = Buffer.from(data, 'base64url');
      bytes[i] = (bytes[i] ?? 0) ^ 1;
      return `v1.k2.${bytes.toString('base64url')}`;
    };

    it('(the same bytes spelled otherwise really are the same bytes)', () => {
      expect(Buffer.from(sameBytes.slice(6), 'base64url')).toEqual(Buffer.from(data, 'base64url'));
    });

    it.each([
      ['a flipped IV bit', flip(0)],
      ['a flipped ciphertext bit', flip(20)],
      ['a flipped tag bit', flip(Buffer.from(data, 'base64url').length - 1)],
      ['a truncated token', token.slice(0, -4)],
      ['a token cut to its header', 'v1.k2.'],
      ['the tag alone', `v1.k2.${Buffer.alloc(28).toString('base64url')}`],
      ['another key id (associated data)', token.replace('v1.k2.', 'v1.k1.')],
      ['an unknown key id', token.replace('v1.k2.', 'v1.k9.')],
      ['another version', token.replace('v1.', 'v2.')],
      ['padding', `${token}==`],
      ['the standard base64 alphabet', token.replaceAll('-', '+').replaceAll('_', '/')],
      ['non-zero trailing bits', sameBytes],
      ['trailing garbage', `${token}!`],
      ['a trailing newline', `${token}\n`],
      ['a leading space', ` ${token}`],
      ['a fourth segment', `${token}.x`],
      ['U+0000 inside', token.replace('.k2.', '.k2\u0000.')],
      ['an absurd length', `${token}${'A'.repeat(MAX_SEALED_TOKEN_LENGTH)}`],
      ['an empty string', ''],
    ])('%s', (_what, variant) => {
      expect(variant).not.toBe(token);
      expect(openToken(variant, RING, 'p')).toBeUndefined();
    });

    it('a token sealed with the right key over other associated data', () => {
      // Same key and IV scheme, but the header it claims is not the one the tag covers.
      const key = Buffer.from(hkdfSync('sha256', 'o'.repeat(40), 'reclaim sealed-token v1', 'reclaim p', 32));
      const iv = Buffer.alloc(12, 7);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from('v1.k2'));
      const body = Buffer.concat([iv, cipher.update('{"s":"shop"}'), cipher.final(), cipher.getAuthTag()]);
      expect(openToken(`v1.k1.${body.toString('base64url')}`, RING, 'p')).toBeUndefined();
    });

    it('anything else, whatever it is', () => {
      fc.assert(
        fc.property(
          fc.oneof(
            fc.string(),
            fc.string().map((s) => `v1.k2.${s}`),
            fc.anything(),
          ),
          (garbage) => {
            expect(openToken(garbage, RING, 'p')).toBeUndefined();
          },
        ),
      );
    });
  });

  it('decodes to nothing that holds the email address, the phone number or the cart URL', () => {
    const secrets = [payload.e, payload.p, payload.u, 'ada.lovelace', '4915112345678', 'shop.example'];
    for (let i = 0; i < 200; i++) {
      const token = sealJson(payload, RING, 'p');
      const data = token.split('.')[2] ?? '';
      const readings = [
        token,
        decodeURIComponent(token),
        Buffer.from(data, 'base64url').toString('utf8'),
        Buffer.from(data, 'base64url').toString('latin1'),
        Buffer.from(data.replaceAll('-', '+').replaceAll('_', '/'), 'base64').toString('latin1'),
        // read from any offset: a base64 reader that starts mid-token
        ...[1, 2, 3].map((skip) => Buffer.from(data.slice(skip), 'base64url').toString('latin1')),
      ];
      for (const reading of readings)
        for (const secret of secrets) expect(reading.toLowerCase()).not.toContain(secret.toLowerCase());
    }
  });
});
