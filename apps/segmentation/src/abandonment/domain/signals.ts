import type { Channel } from '@reclaim/contracts';
import type { CartState, CheckoutErrorCode, CheckoutStep, Device } from '../../carts/domain/cart-state';

/** How far the shopper got: the cart, the checkout (before payment), or the payment step. */
export type StageReached = 'cart' | 'checkout' | 'payment';
/** `ordersCount` 0 → first_time; > 0 → returning; absent → unknown (treated like returning for incentives). */
export type BuyerType = 'first_time' | 'returning' | 'unknown';
/** Cart value against the store's per-currency thresholds; unknown when the currency has none. */
export type ValueTier = 'low' | 'mid' | 'high' | 'unknown';

/** Per-currency thresholds in minor units: value < low → low, value ≥ high → high, else mid. */
export type ValueThresholds = Readonly<Record<string, { low: number; high: number }>>;

export interface Reachability {
  /** Consent and an address on this channel. */
  reachable: boolean;
  consent: boolean;
  address: boolean;
}

/** Everything plan selection may look at, computed from the cart state alone. */
export interface Signals {
  stage: StageReached;
  checkoutStep: CheckoutStep | null;
  checkoutError: CheckoutErrorCode | null;
  shippingEstimateViewed: boolean;
  discountCodeUsed: boolean;
  device: Device | null;
  country: string | null;
  buyer: BuyerType;
  cartValue: number;
  currency: string;
  valueTier: ValueTier;
  channels: Readonly<Record<Channel, Reachability>>;
}

const PAYMENT_ERRORS: ReadonlySet<CheckoutErrorCode> = new Set<CheckoutErrorCode>([
  'payment_declined',
  'payment_method_unavailable',
]);

export function isPaymentError(code: CheckoutErrorCode | null): boolean {
  return code !== null && PAYMENT_ERRORS.has(code);
}

export function stageReached(state: CartState): StageReached {
  if (state.stage === 'cart') return 'cart';
  const atPayment = state.checkoutStep === 'payment' || state.checkoutStep === 'review';
  return atPayment || isPaymentError(state.lastCheckoutError) ? 'payment' : 'checkout';
}

export function buyerType(ordersCount: number | undefined): BuyerType {
  if (ordersCount === undefined) return 'unknown';
  return ordersCount === 0 ? 'first_time' : 'returning';
}

export function valueTier(value: number, currency: string, thresholds: ValueThresholds): ValueTier {
  const t = thresholds[currency];
  if (!t) return 'unknown';
  if (value >= t.high) return 'high';
  return value < t.low ? 'low' : 'mid';
}

export function cartValue(state: CartState): number {
  return (state.cart?.items ?? []).reduce((sum, item) => sum + item.quantity * item.unitPrice, 0);
}

function reach(consent: boolean, address: boolean): Reachability {
  return { reachable: consent && address, consent, address };
}

/**
 * Email needs consent and an address, SMS consent and a phone number, push consent and a
 * subscription (web push or app token) seen on this cart.
 */
export function reachability(state: CartState): Record<Channel, Reachability> {
  return {
    email: reach(state.consent.email, state.customer.email !== undefined),
    sms: reach(state.consent.sms, state.customer.phone !== undefined),
    push: reach(state.consent.push, state.pushSubscribed),
  };
}

export function computeSignals(state: CartState, thresholds: ValueThresholds): Signals {
  const value = cartValue(state);
  const currency = state.cart?.currency ?? '';
  return {
    stage: stageReached(state),
    checkoutStep: state.checkoutStep,
    checkoutError: state.lastCheckoutError,
    shippingEstimateViewed: state.shippingEstimateViewed,
    discountCodeUsed: Boolean(state.cart?.discountCode),
    device: state.device,
    country: state.customer.country ?? null,
    buyer: buyerType(state.customer.ordersCount),
    cartValue: value,
    currency,
    valueTier: valueTier(value, currency, thresholds),
    channels: reachability(state),
  };
}

const ERROR_WORDS: Readonly<Record<CheckoutErrorCode, string>> = {
  payment_declined: 'payment error',
  payment_method_unavailable: 'payment error',
  out_of_stock: 'out of stock at checkout',
  address_invalid: 'address error',
  shipping_unavailable: 'shipping unavailable',
  other: 'checkout error',
};

/**
 * The signals that matter to a person reading why a cart got its plan, as a short list of words
 * (`first-time`, `high-ticket`, `shipping viewed`, `payment error`, …), in a fixed order. Carried on
 * the abandonment (its `signals`) so support can read the decision without the cart state.
 */
export function signalWords(s: Signals): string[] {
  const words: string[] = [];
  if (s.buyer === 'first_time') words.push('first-time');
  if (s.buyer === 'returning') words.push('returning');
  if (s.valueTier === 'high') words.push('high-ticket');
  if (s.valueTier === 'low') words.push('low-value');
  if (s.stage === 'payment') words.push('reached payment');
  if (s.checkoutError) words.push(ERROR_WORDS[s.checkoutError]);
  if (s.shippingEstimateViewed) words.push('shipping viewed');
  if (s.discountCodeUsed) words.push('discount code used');
  return words;
}
