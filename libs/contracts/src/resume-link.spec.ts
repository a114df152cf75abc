import { parseSigningKeys, signToken, verifyToken } from '@reclaim/core';
import { inspectResumeToken, openResumeToken, readResumeToken, resumeLink, storeCartUrl } from './resume-link';

const now = new Date('2026-11-25T12:00:00Z');
const valid = {
  s: 'shop',
  c: 'cart-1',
  t: 'touch-1',
  ch: 'email',
  u: 'https://shop.example/cart/1',
  exp: now.getTime() / 1000 + 60,
};

describe(readResumeToken.name, () => {
  it('reads a legacy signed, unexpired link', () => {
    const payload = openResumeToken(signToken(valid, 'secret-1'), 'secret-1');
    expect(readResumeToken(payload, now)).toEqual({
      storeId: 'shop',
      cartId: 'cart-1',
      touchId: 'touch-1',
      channel: 'email',
      url: 'https://shop.example/cart/1',
    });
  });

  it('reads when the link was issued', () => {
    const iat = now.getTime() / 1000 - 30;
    expect(readResumeToken({ ...valid, iat }, now)).toMatchObject({
      touchId: 'touch-1',
      issuedAt: new Date(iat * 1000),
    });
  });

  it.each([
    ['issued at a non-number', { iat: '2026-11-25' }],
    ['issued after it expires', { iat: now.getTime() / 1000 + 120 }],
    ['expired', { exp: now.getTime() / 1000 - 1 }],
    ['without expiry', { exp: undefined }],
    ['to a javascript: URL', { u: 'javascript:alert(1)' }],
    ['for an unknown channel', { ch: 'fax' }],
    ['without a cart', { c: undefined }],
  ])('refuses a link %s', (_what, patch) => {
    expect(readResumeToken({ ...valid, ...patch }, now)).toBeUndefined();
  });

  it('refuses a token signed with another secret', () => {
    expect(readResumeToken(openResumeToken(signToken(valid, 'secret-1'), 'secret-2'), now)).toBeUndefined();
  });
});

describe(inspectResumeToken.name, () => {
  it('tells an expired link, still naming its store and target, from a valid one', () => {
    const exp = now.getTime() / 1000 - 1;
    expect(inspectResumeToken({ ...valid, exp }, now)).toEqual({
      status: 'expired',
      link: { storeId: 'shop', cartId: 'cart-1', touchId: 'touch-1', channel: 'email', url: valid.u },
      expiredAt: new Date(exp * 1000),
    });
    expect(inspectResumeToken(valid, now)).toMatchObject({ status: 'valid', link: { storeId: 'shop' } });
  });

  it.each([
    ['no payload (the signature did not verify)', undefined],
    ['an expired link to a javascript: URL', { ...valid, exp: 1, u: 'javascript:alert(1)' }],
    ['an expired link without a store', { ...valid, exp: 1, s: undefined }],
    ['a link whose expiry is not a number', { ...valid, exp: '2026-11-25' }],
  ])('finds %s invalid', (_what, payload) => {
    expect(inspectResumeToken(payload, now)).toEqual({ status: 'invalid' });
  });
});

describe(resumeLink.name, () => {
  const issued = new Date('2026-01-01T00:00:00Z');
  const input = {
    storeId: 's1',
    cartId: 'c 1',
    touchId: 't1',
    channel: 'email' as const,
    cartUrl: storeCartUrl('https://shop.example/cart/{cartId}', 's1', 'c 1'),
    now: issued,
    ttlMs: 7 * 24 * 3600 * 1000,
  };
  const tokenOf = (link: string) => link.replace('http://localhost:3000/r/', '');

  it('seals store, cart, touch, channel, cart URL, issue time and expiry', () => {
    const token = tokenOf(resumeLink('http://localhost:3000', 'secret-123', input));
    expect(token).toMatch(/^v1\.[0-9a-f]{8}\.[A-Za-z0-9_-]+$/);
    expect(openResumeToken(token, 'secret-123')).toEqual({
      s: 's1',
      c: 'c 1',
      t: 't1',
      ch: 'email',
      u: 'https://shop.example/cart/c%201',
      iat: Date.parse('2026-01-01T00:00:00Z') / 1000,
      exp: Date.parse('2026-01-08T00:00:00Z') / 1000,
    });
    expect(openResumeToken(token, 'other-secret')).toBeUndefined();
    expect(verifyToken(token, 'secret-123')).toBeUndefined();
  });

  it.each([
    ['a UUID touch on sms', { touchId: '0b6a4f2e-9c3d-4e1f-8a7b-123456789abc', channel: 'sms' as const }],
    ['a cart URL without the cart id', { cartUrl: 'https://shop.example/cart', channel: 'push' as const }],
    ['a cart id that occurs twice', { cartId: 'cart', cartUrl: 'https://cart.example/cart/cart?x=cart' }],
    ['an http cart URL', { cartUrl: 'http://localhost:8080/cart/c%201' }],
    ['an empty cart id', { cartId: '', cartUrl: 'https://shop.example/cart/' }],
    ['non-ASCII text', { storeId: 'mağaza', cartId: 'sepet-ü 😀', cartUrl: 'https://shop.example/c/%C3%BC' }],
    ['an upper-case UUID (kept as text)', { touchId: '0B6A4F2E-9C3D-4E1F-8A7B-123456789ABC' }],
  ])('round-trips %s', (_what, patch) => {
    const i = { ...input, ...patch };
    const payload = openResumeToken(tokenOf(resumeLink('http://localhost:3000', 'secret-123', i)), 'secret-123');
    expect(readResumeToken(payload, issued)).toEqual({
      storeId: i.storeId,
      cartId: i.cartId,
      touchId: i.touchId,
      channel: i.channel,
      url: new URL(i.cartUrl).toString(),
      issuedAt: issued,
    });
  });

  it('opens a link sealed before a rotation, and seals with the new key after it', () => {
    const before = parseSigningKeys(`k1:${'o'.repeat(40)}`);
    const after = parseSigningKeys(`k2:${'n'.repeat(40)},k1:${'o'.repeat(40)}`);
    const old = tokenOf(resumeLink('http://localhost:3000', before, input));
    expect(openResumeToken(old, after)).toMatchObject({ t: 't1' });
    expect(tokenOf(resumeLink('http://localhost:3000', after, input))).toMatch(/^v1\.k2\./);
  });

  it('is much shorter than the signed link it replaces', () => {
    const sms = {
      ...input,
      storeId: 'demo-store',
      cartId: 'cart-7f3a9c2e41',
      touchId: '0b6a4f2e-9c3d-4e1f-8a7b-123456789abc',
      channel: 'sms' as const,
      cartUrl: 'https://shop.example/cart/cart-7f3a9c2e41',
    };
    const ring = parseSigningKeys(`k2:${'n'.repeat(40)}`);
    const sealed = resumeLink('https://r.shop.example', ring, sms);
    const iat = Math.floor(issued.getTime() / 1000);
    const legacy = `https://r.shop.example/r/${signToken(
      { s: sms.storeId, c: sms.cartId, t: sms.touchId, ch: 'sms', u: sms.cartUrl, iat, exp: iat + 7 * 86_400 },
      ring,
    )}`;
    // Measured: legacy 316 characters, sealed 165 (apps/sms/README.md).
    expect(legacy.length).toBe(316);
    expect(sealed.length).toBe(165);
  });

  it('decodes to nothing that reads as the cart URL, store, cart or touch', () => {
    const i = { ...input, storeId: 'acme-shop', cartId: 'cart-42', cartUrl: 'https://acme.example/cart/cart-42' };
    for (let n = 0; n < 100; n++) {
      const token = tokenOf(resumeLink('http://localhost:3000', 'secret-123', i));
      const data = token.split('.')[2] ?? '';
      for (const reading of [
        token,
        Buffer.from(data, 'base64url').toString('latin1'),
        Buffer.from(data.replaceAll('-', '+').replaceAll('_', '/'), 'base64').toString('utf8'),
        ...[1, 2, 3].map((skip) => Buffer.from(data.slice(skip), 'base64url').toString('latin1')),
      ])
        for (const secret of ['acme.example', 'acme-shop', 'cart-42', 'https']) expect(reading).not.toContain(secret);
    }
  });
});
