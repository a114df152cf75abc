import { newCartState, type CartState } from '../../carts/domain/cart-state';
import {
  buyerType,
  computeSignals,
  isPaymentError,
  reachability,
  signalWords,
  stageReached,
  valueTier,
} from './signals';

const tiers = { EUR: { low: 3000, high: 15000 } };

function state(partial: Partial<CartState> = {}): CartState {
  return {
    ...newCartState('s1', 'c1'),
    cart: { currency: 'EUR', items: [{ sku: 'A', title: 'Mug', quantity: 2, unitPrice: 2500 }] },
    lastActivityAt: new Date('2026-01-01T12:00:00Z'),
    ...partial,
  };
}

describe(stageReached.name, () => {
  it('is cart before any checkout event', () => {
    expect(stageReached(state())).toBe('cart');
  });

  it('is checkout before the payment step, payment at payment or review', () => {
    expect(stageReached(state({ stage: 'checkout', checkoutStep: 'shipping' }))).toBe('checkout');
    expect(stageReached(state({ stage: 'checkout', checkoutStep: 'payment' }))).toBe('payment');
    expect(stageReached(state({ stage: 'checkout', checkoutStep: 'review' }))).toBe('payment');
  });

  it('is payment after a payment error even without a step', () => {
    expect(stageReached(state({ stage: 'checkout', lastCheckoutError: 'payment_declined' }))).toBe('payment');
    expect(stageReached(state({ stage: 'checkout', lastCheckoutError: 'address_invalid' }))).toBe('checkout');
  });
});

describe(isPaymentError.name, () => {
  it('knows the payment error codes', () => {
    expect(isPaymentError('payment_method_unavailable')).toBe(true);
    expect(isPaymentError('out_of_stock')).toBe(false);
    expect(isPaymentError(null)).toBe(false);
  });
});

describe(buyerType.name, () => {
  it('tells first-time from returning, and unknown when the store did not say', () => {
    expect(buyerType(0)).toBe('first_time');
    expect(buyerType(3)).toBe('returning');
    expect(buyerType(undefined)).toBe('unknown');
  });
});

describe(valueTier.name, () => {
  it('uses the per-currency thresholds (high is inclusive, low exclusive)', () => {
    expect(valueTier(15000, 'EUR', tiers)).toBe('high');
    expect(valueTier(14999, 'EUR', tiers)).toBe('mid');
    expect(valueTier(3000, 'EUR', tiers)).toBe('mid');
    expect(valueTier(2999, 'EUR', tiers)).toBe('low');
  });

  it('is unknown for a currency without thresholds', () => {
    expect(valueTier(1_000_000, 'JPY', tiers)).toBe('unknown');
  });
});

describe(reachability.name, () => {
  it('needs consent and an address per channel', () => {
    const sut = reachability(
      state({
        customer: { email: 'a@x.io', phone: '+33612345678' },
        consent: { email: true, sms: true, push: true },
        pushSubscribed: false,
      }),
    );
    expect(sut.email.reachable).toBe(true);
    expect(sut.sms.reachable).toBe(true);
    expect(sut.push).toEqual({ reachable: false, consent: true, address: false });
  });

  it('is unreachable without consent even with an address', () => {
    const sut = reachability(state({ customer: { email: 'a@x.io', phone: '+33612345678' } }));
    expect(sut.email.reachable).toBe(true);
    expect(sut.sms).toEqual({ reachable: false, consent: false, address: true });
  });

  it('reaches push with consent and a subscription', () => {
    const sut = reachability(state({ consent: { email: false, sms: false, push: true }, pushSubscribed: true }));
    expect(sut.push.reachable).toBe(true);
    expect(sut.email).toEqual({ reachable: false, consent: false, address: false });
  });
});

describe(computeSignals.name, () => {
  it('collects every signal from the cart state', () => {
    const sut = computeSignals(
      state({
        stage: 'checkout',
        checkoutStep: 'shipping',
        lastCheckoutError: 'shipping_unavailable',
        shippingEstimateViewed: true,
        device: 'mobile',
        customer: { country: 'FR', ordersCount: 0, email: 'a@x.io' },
        cart: {
          currency: 'EUR',
          discountCode: 'WELCOME',
          items: [{ sku: 'A', title: 'Coat', quantity: 1, unitPrice: 20000 }],
        },
      }),
      tiers,
    );
    expect(sut).toMatchObject({
      stage: 'checkout',
      checkoutStep: 'shipping',
      checkoutError: 'shipping_unavailable',
      shippingEstimateViewed: true,
      discountCodeUsed: true,
      device: 'mobile',
      country: 'FR',
      buyer: 'first_time',
      cartValue: 20000,
      currency: 'EUR',
      valueTier: 'high',
    });
    expect(sut.channels.email.reachable).toBe(true);
  });

  it('defaults what the events never said', () => {
    const sut = computeSignals(state(), tiers);
    expect(sut).toMatchObject({
      stage: 'cart',
      checkoutStep: null,
      checkoutError: null,
      shippingEstimateViewed: false,
      discountCodeUsed: false,
      device: null,
      country: null,
      buyer: 'unknown',
      valueTier: 'mid',
    });
  });
});

describe(signalWords.name, () => {
  it('names a first-time, high-ticket shopper who viewed shipping and hit a payment error', () => {
    const signals = computeSignals(
      state({
        stage: 'checkout',
        checkoutStep: 'payment',
        lastCheckoutError: 'payment_declined',
        shippingEstimateViewed: true,
        customer: { ordersCount: 0 },
        cart: { currency: 'EUR', items: [{ sku: 'A', title: 'Coat', quantity: 1, unitPrice: 20000 }] },
      }),
      tiers,
    );
    expect(signalWords(signals)).toEqual([
      'first-time',
      'high-ticket',
      'reached payment',
      'payment error',
      'shipping viewed',
    ]);
  });

  it('names a returning shopper with a small cart, a discount code and a stock error', () => {
    const signals = computeSignals(
      state({
        stage: 'checkout',
        checkoutStep: 'shipping',
        lastCheckoutError: 'out_of_stock',
        customer: { ordersCount: 4 },
        cart: {
          currency: 'EUR',
          discountCode: 'WELCOME',
          items: [{ sku: 'A', title: 'Pin', quantity: 1, unitPrice: 500 }],
        },
      }),
      tiers,
    );
    expect(signalWords(signals)).toEqual(['returning', 'low-value', 'out of stock at checkout', 'discount code used']);
  });

  it('says nothing it does not know: an unknown buyer with a mid-value cart', () => {
    expect(signalWords(computeSignals(state(), tiers))).toEqual([]);
  });
});
