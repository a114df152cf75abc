import { Abandonment } from '@reclaim/contracts';
import { derivedId, HOUR_MS } from '@reclaim/core';
import { newCartState, type CartState } from '../../carts/domain/cart-state';
import { abandonmentIdFor, buildAbandonment, buildPlan, cartSnapshot, segmentFor } from './recovery-plan';

const lastActivityAt = new Date('2026-01-01T12:00:00.000Z');
const abandonedAt = new Date('2026-01-01T12:15:00.000Z');

function cart(partial: Partial<CartState> = {}): CartState {
  return {
    ...newCartState('s1', 'c1'),
    customer: { id: 'u1', email: 'ann@example.com' },
    stage: 'checkout',
    cart: {
      currency: 'EUR',
      items: [
        { sku: 'A', title: 'Mug', quantity: 2, unitPrice: 1250 },
        { sku: 'B', title: 'Tea', quantity: 1, unitPrice: 700 },
      ],
    },
    lastActivityAt,
    ...partial,
  };
}

describe(buildPlan.name, () => {
  it('plans three emails at 1 h, 24 h and 48 h of business time', () => {
    const sut = buildPlan('a1', false);
    expect(sut.map((t) => [t.sequence, t.channel, t.offsetMs, t.template, t.incentive])).toEqual([
      [1, 'email', HOUR_MS, 'reminder', 'none'],
      [2, 'email', 24 * HOUR_MS, 'reassurance', 'none'],
      [3, 'email', 48 * HOUR_MS, 'incentive', 'none'],
    ]);
    expect(sut[0]?.touchId).toBe(derivedId('a1', 'email', '1'));
  });

  it('plans nothing for the hold-out group', () => {
    expect(buildPlan('a1', true)).toEqual([]);
  });
});

describe(cartSnapshot.name, () => {
  it('values the cart as the sum of quantity times unit price', () => {
    expect(
      cartSnapshot({ currency: 'EUR', items: [{ sku: 'A', title: 'Mug', quantity: 3, unitPrice: 200 }] }).value,
    ).toBe(600);
  });
});

describe(buildAbandonment.name, () => {
  it('builds a valid abandonment with a deterministic id', () => {
    const sut = buildAbandonment(cart(), abandonedAt, 0);
    expect(Abandonment.parse(sut)).toEqual(sut);
    expect(sut).toMatchObject({
      abandonmentId: abandonmentIdFor('s1', 'c1', lastActivityAt),
      stage: 'checkout',
      segment: 'checkout-abandoner',
      holdout: false,
      lastActivityAt: lastActivityAt.toISOString(),
      abandonedAt: abandonedAt.toISOString(),
    });
    expect(sut.cart.value).toBe(3200);
    expect(sut.plan).toHaveLength(3);
    expect(buildAbandonment(cart(), new Date(), 0).abandonmentId).toBe(sut.abandonmentId);
  });

  it('gives a new id when the cart saw newer activity', () => {
    const later = buildAbandonment(cart({ lastActivityAt: abandonedAt }), new Date(), 0);
    expect(later.abandonmentId).not.toBe(buildAbandonment(cart(), abandonedAt, 0).abandonmentId);
  });

  it('flags the hold-out and leaves its plan empty', () => {
    const sut = buildAbandonment(cart(), abandonedAt, 100);
    expect(sut).toMatchObject({ holdout: true, plan: [] });
  });

  it('names the segment after the stage', () => {
    expect(segmentFor('cart')).toBe('cart-abandoner');
  });
});
