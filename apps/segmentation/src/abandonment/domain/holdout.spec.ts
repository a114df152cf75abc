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
