import { stableBucket } from '@reclaim/core';
import { holdoutSubject, isHeldOut } from './holdout';

describe(holdoutSubject.name, () => {
  it('prefers the customer id, then the email, then the cart', () => {
    expect(holdoutSubject({ id: 'u1', email: 'a@x.io' }, 'c1')).toBe('u1');
    expect(holdoutSubject({ email: 'a@x.io' }, 'c1')).toBe('a@x.io');
    expect(holdoutSubject({}, 'c1')).toBe('c1');
  });
});

describe(isHeldOut.name, () => {
  it('is disabled at 0 percent and total at 100', () => {
    expect(isHeldOut('s1', { id: 'u1' }, 'c1', 0)).toBe(false);
    expect(isHeldOut('s1', { id: 'u1' }, 'c1', 100)).toBe(true);
  });

  it('follows the stable bucket of store and subject', () => {
    const bucket = stableBucket('s1', 'u1');
    expect(isHeldOut('s1', { id: 'u1' }, 'c1', bucket)).toBe(false);
    expect(isHeldOut('s1', { id: 'u1' }, 'c2', bucket + 1)).toBe(true);
  });

  it('holds out roughly the configured share of shoppers', () => {
    const held = Array.from({ length: 2000 }, (_, i) => isHeldOut('s1', { id: `u${i}` }, `c${i}`, 10)).filter(
      Boolean,
    ).length;
    expect(held).toBeGreaterThan(140);
    expect(held).toBeLessThan(260);
  });
});

describe('hold-out stability', () => {
  it('keeps a shopper in the same group across carts', () => {
    for (let i = 0; i < 200; i++) {
      const customer = { id: `u${i}`, email: `u${i}@example.com` };
      const groups = new Set(Array.from({ length: 5 }, (_, c) => isHeldOut('s1', customer, `cart-${i}-${c}`, 10)));
      expect(groups.size).toBe(1);
    }
  });

  it('keeps a guest (email only) in the same group across carts', () => {
    const first = isHeldOut('s1', { email: 'guest@example.com' }, 'c1', 10);
    expect(isHeldOut('s1', { email: 'guest@example.com' }, 'c2', 10)).toBe(first);
  });

  it('holds out about 10 % of 20 000 shoppers', () => {
    const held = Array.from({ length: 20_000 }, (_, i) => isHeldOut('s1', { id: `shopper-${i}` }, `c${i}`, 10)).filter(
      Boolean,
    ).length;
    expect(held / 20_000).toBeGreaterThan(0.09);
    expect(held / 20_000).toBeLessThan(0.11);
  });

  it('assigns independently per store', () => {
    const differ = Array.from({ length: 1000 }, (_, i) => ({ id: `u${i}` })).filter(
      (c) => isHeldOut('s1', c, 'c', 10) !== isHeldOut('s2', c, 'c', 10),
    ).length;
    expect(differ).toBeGreaterThan(0);
  });
});
