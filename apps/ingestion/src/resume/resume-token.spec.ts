import { signToken, verifyToken } from '@reclaim/core';
import { readResumeToken } from './resume-token';

const now = new Date('2026-11-25T12:00:00Z');
const valid = { s: 'shop', c: 'cart-1', t: 'touch-1', ch: 'email', u: 'https://shop.example/cart/1', exp: now.getTime() / 1000 + 60 };

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

  it.each([
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
