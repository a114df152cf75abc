import type { CartStage, CartState } from '../../carts/domain/cart-state';

/** Inactivity windows in real (already time-scaled) milliseconds. */
export interface AbandonmentWindows {
  cartIdleMs: number;
  checkoutIdleMs: number;
}

/** Checkout abandoners are detected sooner than cart abandoners. */
export function idleWindowFor(stage: CartStage, windows: AbandonmentWindows): number {
  return stage === 'checkout' ? windows.checkoutIdleMs : windows.cartIdleMs;
}

/** Latest activity time that counts as idle at `now`, per stage: the sweep's SQL filter. */
export function idleCutoffs(now: Date, windows: AbandonmentWindows): Record<CartStage, Date> {
  return {
    cart: new Date(now.getTime() - windows.cartIdleMs),
    checkout: new Date(now.getTime() - windows.checkoutIdleMs),
  };
}

/** Only carts with something in them (items and a currency) can be abandoned. */
export function isEligible(state: CartState): boolean {
  return state.cart !== null && state.cart.items.length > 0 && /^[A-Z]{3}$/.test(state.cart.currency);
}

/** An open, non-empty cart with no order whose last activity is older than its stage's window. */
export function isAbandonedAt(state: CartState, now: Date, windows: AbandonmentWindows): boolean {
  if (state.status !== 'open' || state.lastActivityAt === null || !isEligible(state)) return false;
  return now.getTime() - state.lastActivityAt.getTime() >= idleWindowFor(state.stage, windows);
}
