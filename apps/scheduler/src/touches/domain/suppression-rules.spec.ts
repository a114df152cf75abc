import {
  candidateScopes,
  suppressionApplies,
  suppressionFor,
  touchesCancelledBy,
  type SuppressibleTouch,
} from './suppression-rules';

const abandonedAt = new Date('2026-01-01T12:00:00.000Z');
const touch: SuppressibleTouch = {
  scopes: { cart: 'cart:s1:c1', customer: 'customer:s1:u1', contact: 'contact:email:s1:ann@example.com' },
  abandonedAt,
};
const fact = (scope: string, suppressedAt = abandonedAt, reason = 'order_completed') => ({
  scope,
  reason,
  suppressedAt,
});
const minutes = (n: number) => new Date(abandonedAt.getTime() + n * 60_000);

describe(suppressionApplies.name, () => {
  it('stops every touch of a suppressed cart', () => {
    expect(suppressionApplies(fact('cart:s1:c1', minutes(-60)), touch)).toBe(true);
    expect(suppressionApplies(fact('cart:s1:c2'), touch)).toBe(false);
  });

  it('stops a customer’s carts abandoned at or before the suppression, not later ones', () => {
    expect(suppressionApplies(fact('customer:s1:u1', minutes(10)), touch)).toBe(true);
    expect(suppressionApplies(fact('customer:s1:u1', abandonedAt), touch)).toBe(true);
    expect(suppressionApplies(fact('customer:s1:u1', minutes(-1)), touch)).toBe(false);
  });

  it('stops touches to a suppressed address on that channel only', () => {
    expect(suppressionApplies(fact('contact:email:s1:ann@example.com', minutes(-999), 'unsubscribed'), touch)).toBe(
      true,
    );
    const sms: SuppressibleTouch = { ...touch, scopes: { ...touch.scopes, contact: 'contact:sms:s1:+14155550100' } };
    expect(suppressionApplies(fact('contact:email:s1:ann@example.com'), sms)).toBe(false);
  });

  it('ignores missing customer and contact scopes', () => {
    const anonymous: SuppressibleTouch = { abandonedAt, scopes: { cart: 'cart:s1:c1', customer: null, contact: null } };
    expect(suppressionApplies(fact('customer:s1:u1', minutes(5)), anonymous)).toBe(false);
    expect(candidateScopes(anonymous)).toEqual(['cart:s1:c1']);
  });
});

describe(suppressionFor.name, () => {
  it('prefers the cart scope, then the contact scope', () => {
    const found = suppressionFor(touch, [
      fact('customer:s1:u1', minutes(5)),
      fact('contact:email:s1:ann@example.com', abandonedAt, 'unsubscribed'),
      fact('cart:s1:c1', abandonedAt, 'order_completed'),
    ]);
    expect(found?.scope).toBe('cart:s1:c1');
  });

  it('finds nothing when no suppression applies', () => {
    expect(suppressionFor(touch, [fact('customer:s1:u1', minutes(-5))])).toBeUndefined();
  });
});

describe(touchesCancelledBy.name, () => {
  it('cancels only scheduled touches the suppression applies to', () => {
    const touches = [
      { ...touch, id: 1, status: 'scheduled' },
      { ...touch, id: 2, status: 'dispatched' },
      { ...touch, id: 3, status: 'scheduled', abandonedAt: minutes(30) },
    ];
    expect(touchesCancelledBy(fact('customer:s1:u1', minutes(10)), touches).map((t) => t.id)).toEqual([1]);
    expect(touchesCancelledBy(fact('cart:s1:c1'), touches).map((t) => t.id)).toEqual([1, 3]);
  });
});
