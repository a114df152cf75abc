import { verifyToken } from '@reclaim/core';
import { readUnsubscribeToken, resumeLink, storeCartUrl, unsubscribeToken } from './links';

describe(resumeLink.name, () => {
  it('signs store, cart, touch, channel, cart URL and expiry', () => {
    const sut = resumeLink('http://localhost:3000', 'secret-123', {
      storeId: 's1',
      cartId: 'c 1',
      touchId: 't1',
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
      exp: Date.parse('2026-01-08T00:00:00Z') / 1000,
    });
    expect(verifyToken(token, 'other-secret')).toBeUndefined();
  });
});

describe(readUnsubscribeToken.name, () => {
  it('round-trips and refuses tampering', () => {
    const token = unsubscribeToken('secret-123', 's1', 'ann@example.com');
    expect(readUnsubscribeToken('secret-123', token)).toEqual({ storeId: 's1', email: 'ann@example.com' });
    expect(readUnsubscribeToken('secret-124', token)).toBeUndefined();
    expect(readUnsubscribeToken('secret-123', `${token}x`)).toBeUndefined();
  });
});
