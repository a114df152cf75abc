import { signToken, verifyToken } from '@reclaim/core';
import { inspectResumeToken, readResumeToken, resumeLink, storeCartUrl } from './resume-link';

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
  it('reads a signed, unexpired link', () => {
    const payload = verifyToken(signToken(valid, 'secret-1'), 'secret-1');
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
    expect(readResumeToken(verifyToken(signToken(valid, 'secret-1'), 'secret-2'), now)).toBeUndefined();
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
  it('signs store, cart, touch, channel, cart URL, issue time and expiry', () => {
    const sut = resumeLink('http://localhost:3000', 'secret-123', {
      storeId: 's1',
      cartId: 'c 1',
      touchId: 't1',
      channel: 'email',
      cartUrl: storeCartUrl('https://shop.example/cart/{cartId}', 's1', 'c 1'),
      now: new Date('2026-01-01T00:00:00Z'),
      ttlMs: 7 * 24 * 3600 * 1000,
    });
    const token = sut.replace('http://localhost:3000/r/', '');
    expect(verifyToken(token, 'secret-123')).toEqual({
      s: 's1',
      c: 'c 1',
      t: 't1',
      ch: 'email',
      u: 'https://shop.example/cart/c%201',
      iat: Date.parse('2026-01-01T00:00:00Z') / 1000,
      exp: Date.parse('2026-01-08T00:00:00Z') / 1000,
    });
    expect(verifyToken(token, 'other-secret')).toBeUndefined();
  });
});
