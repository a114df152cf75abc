import { MINUTE_MS } from '@reclaim/core';
import { newCartState, type CartState } from '../../carts/domain/cart-state';
import { idleCutoffs, idleWindowFor, isAbandonedAt, isEligible } from './abandonment-window';

const windows = { cartIdleMs: 30 * MINUTE_MS, checkoutIdleMs: 15 * MINUTE_MS };
const t0 = new Date('2026-01-01T12:00:00.000Z');
const after = (minutes: number) => new Date(t0.getTime() + minutes * MINUTE_MS);

function cart(partial: Partial<CartState> = {}): CartState {
  return {
    ...newCartState('s1', 'c1'),
    cart: { currency: 'EUR', items: [{ sku: 'A', title: 'Mug', quantity: 1, unitPrice: 500 }] },
    lastActivityAt: t0,
    ...partial,
  };
}

describe(idleWindowFor.name, () => {
  it('gives checkout the shorter window', () => {
    expect(idleWindowFor('checkout', windows)).toBe(15 * MINUTE_MS);
    expect(idleWindowFor('cart', windows)).toBe(30 * MINUTE_MS);
  });
});

describe(idleCutoffs.name, () => {
  it('subtracts each window from now', () => {
    const sut = idleCutoffs(after(60), windows);
    expect(sut).toEqual({ cart: after(30), checkout: after(45) });
  });
});

describe(isAbandonedAt.name, () => {
  it('abandons a checkout cart after 15 minutes and a cart after 30', () => {
    expect(isAbandonedAt(cart({ stage: 'checkout' }), after(14), windows)).toBe(false);
    expect(isAbandonedAt(cart({ stage: 'checkout' }), after(15), windows)).toBe(true);
    expect(isAbandonedAt(cart({ stage: 'cart' }), after(29), windows)).toBe(false);
    expect(isAbandonedAt(cart({ stage: 'cart' }), after(30), windows)).toBe(true);
  });

  it('never abandons an ordered or already abandoned cart', () => {
    expect(isAbandonedAt(cart({ status: 'ordered' }), after(120), windows)).toBe(false);
    expect(isAbandonedAt(cart({ status: 'abandoned' }), after(120), windows)).toBe(false);
  });

  it('needs items, a currency and some activity', () => {
    expect(isEligible(cart({ cart: { currency: 'EUR', items: [] } }))).toBe(false);
    expect(isEligible(cart({ cart: null }))).toBe(false);
    expect(isAbandonedAt(cart({ lastActivityAt: null }), after(120), windows)).toBe(false);
  });
});
