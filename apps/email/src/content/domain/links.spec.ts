import { resumeLink } from '@reclaim/contracts';
import { parseSigningKeys, signToken } from '@reclaim/core';
import { maskedAddress, readUnsubscribeToken, unsubscribeToken } from './links';

describe(readUnsubscribeToken.name, () => {
  const email = 'ann.example@example.com';

  it('reads what unsubscribeToken sealed, and refuses another secret or a changed token', () => {
    const token = unsubscribeToken('secret-123', 's1', email, 'touch-1');
    expect(readUnsubscribeToken('secret-123', token)).toEqual({
      storeId: 's1',
      email,
      touchId: 'touch-1',
      legacy: false,
    });
    expect(readUnsubscribeToken('secret-124', token)).toBeUndefined();
    expect(readUnsubscribeToken('secret-123', `${token}x`)).toBeUndefined();
    expect(readUnsubscribeToken('secret-123', unsubscribeToken('secret-123', 's1', email))).toEqual({
      storeId: 's1',
      email,
      legacy: false,
    });
  });

  it('gives every message its own link, none of which reads as the address', () => {
    const tokens = ['t1', 't1', 't2'].map((t) => unsubscribeToken('secret-123', 's1', email, t));
    expect(new Set(tokens).size).toBe(3);
    for (const token of tokens) {
      const data = token.split('.')[2] ?? '';
      for (const reading of [
        token,
        Buffer.from(data, 'base64url').toString('latin1'),
        Buffer.from(data.replaceAll('-', '+').replaceAll('_', '/'), 'base64').toString('utf8'),
      ]) {
        expect(reading).not.toContain('ann.example');
        expect(reading).not.toContain('example.com');
      }
    }
  });

  it('opens a token sealed before a key rotation', () => {
    const old = unsubscribeToken(parseSigningKeys(`k1:${'o'.repeat(40)}`), 's1', email, 't1');
    const ring = parseSigningKeys(`k2:${'n'.repeat(40)},k1:${'o'.repeat(40)}`);
    expect(readUnsubscribeToken(ring, old)).toMatchObject({ storeId: 's1', email });
  });

  it('refuses a resume token, sealed or legacy: it names no address, and sealed ones are for another purpose', () => {
    const link = resumeLink('http://r.example', 'secret-123', {
      storeId: 's1',
      cartId: 'cart',
      touchId: 't1',
      channel: 'email',
      cartUrl: 'https://shop.example/cart/cart',
      now: new Date(),
      ttlMs: 60_000,
    });
    expect(readUnsubscribeToken('secret-123', link.replace('http://r.example/r/', ''))).toBeUndefined();
    expect(readUnsubscribeToken('secret-123', signToken({ s: 's1', c: 'cart' }, 'secret-123'))).toBeUndefined();
  });

  describe('legacy signed tokens (sent before sealing)', () => {
    const legacy = signToken({ s: 's1', e: email }, 'secret-123');
    const cutoff = new Date('2027-06-30T00:00:00Z');

    it('are honoured without a cutoff, and before it', () => {
      expect(readUnsubscribeToken('secret-123', legacy)).toEqual({ storeId: 's1', email, legacy: true });
      expect(
        readUnsubscribeToken('secret-123', legacy, { legacyUntil: cutoff, now: new Date('2027-06-29T23:59:59Z') }),
      ).toEqual({ storeId: 's1', email, legacy: true });
    });

    it('are refused from the cutoff on, while sealed tokens still work', () => {
      const after = { legacyUntil: cutoff, now: cutoff };
      expect(readUnsubscribeToken('secret-123', legacy, after)).toBeUndefined();
      expect(
        readUnsubscribeToken('secret-123', unsubscribeToken('secret-123', 's1', email, 't1'), after),
      ).toMatchObject({
        email,
        legacy: false,
      });
    });

    it('ignore a touch id a legacy token might carry (only sealed tokens are ours to trust for it)', () => {
      const withTouch = signToken({ s: 's1', e: email, t: 'touch-9' }, 'secret-123');
      expect(readUnsubscribeToken('secret-123', withTouch)).toEqual({ storeId: 's1', email, legacy: true });
    });
  });
});

describe(maskedAddress.name, () => {
  it.each([
    ['ann@example.com', 'a…@example.com'],
    ['émile@exemple.fr', 'é…@exemple.fr'],
    ['a@b.example', 'a…@b.example'],
    ['not-an-address', '…'],
  ])('%s → %s', (email, masked) => {
    expect(maskedAddress(email)).toBe(masked);
  });
});
