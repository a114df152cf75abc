import { Abandonment } from '@reclaim/contracts';
import { derivedId, HOUR_MS } from '@reclaim/core';
import { newCartState, type CartState } from '../../carts/domain/cart-state';
import {
  abandonmentIdFor,
  buildAbandonment,
  cartSnapshot,
  incentiveSubjects,
  plannedIncentive,
  type AbandonmentOptions,
} from './recovery-plan';
import { RecoveryConfig } from './recovery-config';

const lastActivityAt = new Date('2026-01-01T12:00:00.000Z');
const abandonedAt = new Date('2026-01-01T12:15:00.000Z');
const config = RecoveryConfig.builtIn().defaults;
const options = (partial: Partial<AbandonmentOptions> = {}): AbandonmentOptions => ({
  holdoutPercent: 0,
  config,
  ...partial,
});

function cart(partial: Partial<CartState> = {}): CartState {
  return {
    ...newCartState('s1', 'c1'),
    customer: { id: 'u1', email: 'ann@example.com' },
    stage: 'checkout',
    checkoutStep: 'contact',
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

describe(cartSnapshot.name, () => {
  it('values the cart as the sum of quantity times unit price', () => {
    expect(
      cartSnapshot({ currency: 'EUR', items: [{ sku: 'A', title: 'Mug', quantity: 3, unitPrice: 200 }] }).value,
    ).toBe(600);
  });
});

describe(incentiveSubjects.name, () => {
  it('remembers a shopper by customer id and lower-cased email', () => {
    expect(incentiveSubjects({ id: 'u1', email: 'Ann@Example.com' })).toEqual(['customer:u1', 'email:ann@example.com']);
    expect(incentiveSubjects({})).toEqual([]);
  });
});

describe(buildAbandonment.name, () => {
  it('builds a valid abandonment with a deterministic id', () => {
    const sut = buildAbandonment(cart(), abandonedAt, options());
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
    expect(buildAbandonment(cart(), new Date(), options()).abandonmentId).toBe(sut.abandonmentId);
  });

  it('keeps the walking skeleton defaults for a first-time checkout abandoner by email only', () => {
    const sut = buildAbandonment(
      cart({ customer: { id: 'u1', email: 'a@x.io', ordersCount: 0 } }),
      abandonedAt,
      options(),
    );
    expect(sut.plan.map((t) => [t.sequence, t.channel, t.offsetMs, t.template, t.incentive])).toEqual([
      [1, 'email', HOUR_MS, 'reminder', 'none'],
      [2, 'email', 24 * HOUR_MS, 'reassurance', 'none'],
      [3, 'email', 48 * HOUR_MS, 'incentive', expect.stringMatching(/^(percent_10|free_shipping)$/)],
    ]);
    expect(sut.plan[0]?.touchId).toBe(derivedId(sut.abandonmentId, 'email', '1'));
    expect(plannedIncentive(sut)).toBe(sut.plan[2]?.incentive);
  });

  it('gives a new id when the cart saw newer activity', () => {
    const later = buildAbandonment(cart({ lastActivityAt: abandonedAt }), new Date(), options());
    expect(later.abandonmentId).not.toBe(buildAbandonment(cart(), abandonedAt, options()).abandonmentId);
  });

  it('says what decided it: the hold-out share, the device and the signals in words', () => {
    const sut = buildAbandonment(
      cart({
        device: 'mobile',
        shippingEstimateViewed: true,
        customer: { id: 'u1', email: 'a@x.io', ordersCount: 0 },
      }),
      abandonedAt,
      options({ holdoutPercent: 10 }),
    );
    expect(sut).toMatchObject({ holdoutPercent: 10, device: 'mobile', signals: ['first-time', 'shipping viewed'] });
    expect(Abandonment.parse(sut)).toEqual(sut);
  });

  it('leaves the device out when no event named one', () => {
    expect(buildAbandonment(cart(), abandonedAt, options())).not.toHaveProperty('device');
  });

  it('flags the hold-out, keeps its segment and leaves its plan empty', () => {
    const sut = buildAbandonment(cart(), abandonedAt, options({ holdoutPercent: 100 }));
    expect(sut).toMatchObject({ holdout: true, plan: [], segment: 'checkout-abandoner' });
    expect(plannedIncentive(sut)).toBeUndefined();
  });

  it('names the segment from the signals', () => {
    expect(buildAbandonment(cart({ stage: 'cart', checkoutStep: null }), abandonedAt, options()).segment).toBe(
      'cart-abandoner',
    );
    expect(buildAbandonment(cart({ lastCheckoutError: 'payment_declined' }), abandonedAt, options()).segment).toBe(
      'checkout-payment-error',
    );
  });

  it('plans no incentive within the cooldown of an earlier one', () => {
    const firstTimer = cart({ customer: { id: 'u1', ordersCount: 0 } });
    const sut = buildAbandonment(firstTimer, abandonedAt, {
      ...options(),
      history: { lastIncentiveAt: new Date(abandonedAt.getTime() - 24 * HOUR_MS) },
    });
    expect(sut.plan.every((t) => t.incentive === 'none')).toBe(true);
  });

  it('refuses a cart without contents', () => {
    expect(() => buildAbandonment(cart({ cart: null }), abandonedAt, options())).toThrow(/no contents/);
  });
});
