import { SuppressionScopes, type TouchDue } from '@reclaim/contracts';
import { stopScopes, suppressionApplies, suppressionFor, touchesCancelledBy } from './suppression-rules';

const lastActivityAt = new Date('2026-01-01T11:45:00.000Z');
const payload: TouchDue = {
  touchId: 't1',
  abandonmentId: 'a1',
  storeId: 's1',
  cartId: 'c1',
  channel: 'email',
  sequence: 1,
  template: 'reminder',
  incentive: 'none',
  segment: 'checkout-abandoner',
  customer: { id: 'u1', email: 'Ann@Example.com', phone: '+14155550100' },
  cart: { currency: 'EUR', items: [], value: 0 },
  abandonedAt: '2026-01-01T12:00:00.000Z',
  lastActivityAt: lastActivityAt.toISOString(),
  dueAt: '2026-01-01T13:00:00.000Z',
};
const touch = { payload };
const fact = (scope: string, suppressedAt = lastActivityAt, reason = 'order_completed') => ({
  scope,
  reason,
  suppressedAt,
});
const minutes = (n: number) => new Date(lastActivityAt.getTime() + n * 60_000);

describe(suppressionApplies.name, () => {
  it('stops every touch of a suppressed cart', () => {
    expect(suppressionApplies(fact('cart:s1:c1', minutes(-60)), touch)).toBe(true);
    expect(suppressionApplies(fact('cart:s1:c2'), touch)).toBe(false);
  });

  it('stops a customer’s carts last touched at or before the order, not carts worked on after it', () => {
    expect(suppressionApplies(fact('customer:s1:u1', minutes(10)), touch)).toBe(true);
    expect(suppressionApplies(fact('customer:s1:u1', lastActivityAt), touch)).toBe(true);
    expect(suppressionApplies(fact('customer:s1:u1', minutes(-1)), touch)).toBe(false);
    // A guest's order reaches the carts of the same e-mail the same way.
    expect(suppressionApplies(fact(SuppressionScopes.shopperEmail('s1', 'ann@example.com'), minutes(1)), touch)).toBe(
      true,
    );
  });

  it('stops touches to a suppressed address on that channel only', () => {
    expect(suppressionApplies(fact('contact:email:s1:ann@example.com', minutes(-999), 'unsubscribed'), touch)).toBe(
      true,
    );
    const sms = { payload: { ...payload, channel: 'sms' as const } };
    expect(suppressionApplies(fact('contact:email:s1:ann@example.com'), sms)).toBe(false);
    expect(suppressionApplies(fact('contact:sms:s1:+14155550100', minutes(-999), 'sms_stop'), sms)).toBe(true);
  });

  it('stops the channel whose consent was withdrawn, whatever the time', () => {
    const withdrawn = SuppressionScopes.consent('email', 's1', { kind: 'customer', value: 'u1' });
    expect(suppressionApplies(fact(withdrawn, minutes(-999), 'consent_withdrawn'), touch)).toBe(true);
    const sms = { payload: { ...payload, channel: 'sms' as const } };
    expect(suppressionApplies(fact(withdrawn, minutes(-999), 'consent_withdrawn'), sms)).toBe(false);
  });

  it('ignores scopes the touch does not have', () => {
    const anonymous = { payload: { ...payload, customer: {} } };
    expect(suppressionApplies(fact('customer:s1:u1', minutes(5)), anonymous)).toBe(false);
    expect(stopScopes(anonymous)).toEqual([
      'cart:s1:c1',
      SuppressionScopes.consent('email', 's1', { kind: 'cart', value: 'c1' }),
    ]);
  });
});

describe(suppressionFor.name, () => {
  it('prefers the cart scope, then the contact scope', () => {
    const found = suppressionFor(touch, [
      fact('customer:s1:u1', minutes(5)),
      fact('contact:email:s1:ann@example.com', lastActivityAt, 'unsubscribed'),
      fact('cart:s1:c1', lastActivityAt, 'order_completed'),
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
      { payload: { ...payload, lastActivityAt: minutes(30).toISOString() }, id: 3, status: 'scheduled' },
    ];
    expect(touchesCancelledBy(fact('customer:s1:u1', minutes(10)), touches).map((t) => t.id)).toEqual([1]);
    expect(touchesCancelledBy(fact('cart:s1:c1'), touches).map((t) => t.id)).toEqual([1, 3]);
  });
});
