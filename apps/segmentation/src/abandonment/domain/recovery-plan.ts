import type { Abandonment, Cart, CartSnapshot, PlannedTouch } from '@reclaim/contracts';
import { derivedId, HOUR_MS } from '@reclaim/core';
import type { CartStage, CartState } from '../../carts/domain/cart-state';
import { isHeldOut } from './holdout';

/** The walking skeleton's plan: three emails. Offsets are business time; the scheduler scales. */
export const DEFAULT_EMAIL_SEQUENCE: ReadonlyArray<Pick<PlannedTouch, 'offsetMs' | 'template'>> = [
  { offsetMs: 1 * HOUR_MS, template: 'reminder' },
  { offsetMs: 24 * HOUR_MS, template: 'reassurance' },
  { offsetMs: 48 * HOUR_MS, template: 'incentive' },
];

export function segmentFor(stage: CartStage): string {
  return stage === 'checkout' ? 'checkout-abandoner' : 'cart-abandoner';
}

/** Same cart and same last activity → same id, so a publish retried after a crash is the same abandonment. */
export function abandonmentIdFor(storeId: string, cartId: string, lastActivityAt: Date): string {
  return derivedId(storeId, cartId, lastActivityAt.toISOString());
}

export function buildPlan(abandonmentId: string, holdout: boolean): PlannedTouch[] {
  if (holdout) return [];
  return DEFAULT_EMAIL_SEQUENCE.map((step, index) => ({
    touchId: derivedId(abandonmentId, 'email', String(index + 1)),
    sequence: index + 1,
    channel: 'email',
    offsetMs: step.offsetMs,
    template: step.template,
    incentive: 'none',
  }));
}

export function cartSnapshot(cart: Cart): CartSnapshot {
  const value = cart.items.reduce((sum, item) => sum + item.quantity * item.unitPrice, 0);
  return { ...cart, value };
}

/**
 * The abandonment record for a cart found idle. Callers check `isAbandonedAt` first; a cart
 * without contents or activity is a programming error here.
 */
export function buildAbandonment(state: CartState, abandonedAt: Date, holdoutPercent: number): Abandonment {
  if (!state.cart || !state.lastActivityAt) {
    throw new Error(`cart ${state.storeId}/${state.cartId} has no contents or activity to abandon`);
  }
  const abandonmentId = abandonmentIdFor(state.storeId, state.cartId, state.lastActivityAt);
  const holdout = isHeldOut(state.storeId, state.customer, state.cartId, holdoutPercent);
  return {
    abandonmentId,
    storeId: state.storeId,
    cartId: state.cartId,
    stage: state.stage,
    segment: segmentFor(state.stage),
    holdout,
    customer: state.customer,
    consent: { ...state.consent },
    cart: cartSnapshot(state.cart),
    lastActivityAt: state.lastActivityAt.toISOString(),
    abandonedAt: abandonedAt.toISOString(),
    plan: buildPlan(abandonmentId, holdout),
  };
}
