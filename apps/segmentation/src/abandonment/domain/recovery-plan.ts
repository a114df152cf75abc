import type { Abandonment, Cart, CartSnapshot, Customer, IncentiveKind } from '@reclaim/contracts';
import { derivedId } from '@reclaim/core';
import type { CartState } from '../../carts/domain/cart-state';
import { isHeldOut } from './holdout';
import { selectPlan, type IncentiveHistory } from './plan-selection';
import type { StoreRecoveryConfig } from './recovery-config';
import { computeSignals, signalWords } from './signals';

/** Same cart and same last activity → same id, so a publish retried after a crash is the same abandonment. */
export function abandonmentIdFor(storeId: string, cartId: string, lastActivityAt: Date): string {
  return derivedId(storeId, cartId, lastActivityAt.toISOString());
}

export function cartSnapshot(cart: Cart): CartSnapshot {
  const value = cart.items.reduce((sum, item) => sum + item.quantity * item.unitPrice, 0);
  return { ...cart, value };
}

/** The identities an incentive is remembered by: the customer id and the (lower-cased) email. */
export function incentiveSubjects(customer: Customer): string[] {
  const subjects: string[] = [];
  if (customer.id) subjects.push(`customer:${customer.id}`);
  if (customer.email) subjects.push(`email:${customer.email.toLowerCase()}`);
  return subjects;
}

export interface AbandonmentOptions {
  holdoutPercent: number;
  config: StoreRecoveryConfig;
  /** Incentives this shopper already had (looked up by `incentiveSubjects`). */
  history?: IncentiveHistory;
}

/**
 * The abandonment record for a cart found idle: signals → segment → plan. Callers check
 * `isAbandonedAt` first; a cart without contents or activity is a programming error here.
 * The hold-out keeps its segment (for measurement) but gets no touches. The record also says
 * what decided it (the hold-out share used, the cart's device, the signals in words) so the
 * cart's timeline can explain the decision from the topic alone.
 */
export function buildAbandonment(state: CartState, abandonedAt: Date, options: AbandonmentOptions): Abandonment {
  if (!state.cart || !state.lastActivityAt) {
    throw new Error(`cart ${state.storeId}/${state.cartId} has no contents or activity to abandon`);
  }
  const abandonmentId = abandonmentIdFor(state.storeId, state.cartId, state.lastActivityAt);
  const holdout = isHeldOut(state.storeId, state.customer, state.cartId, options.holdoutPercent);
  const signals = computeSignals(state, options.config.valueTiers);
  const selected = selectPlan({
    abandonmentId,
    abandonedAt,
    signals,
    config: options.config,
    history: options.history ?? { lastIncentiveAt: undefined },
    hasIdentity: incentiveSubjects(state.customer).length > 0,
  });
  return {
    abandonmentId,
    storeId: state.storeId,
    cartId: state.cartId,
    stage: state.stage,
    segment: selected.segment,
    holdout,
    customer: state.customer,
    consent: { ...state.consent },
    cart: cartSnapshot(state.cart),
    lastActivityAt: state.lastActivityAt.toISOString(),
    abandonedAt: abandonedAt.toISOString(),
    plan: holdout ? [] : selected.touches,
    holdoutPercent: options.holdoutPercent,
    ...(state.device && { device: state.device }),
    signals: signalWords(signals),
  };
}

/** The incentive an abandonment plans, if any (what the incentive ledger records). */
export function plannedIncentive(a: Abandonment): IncentiveKind | undefined {
  const touch = a.plan.find((t) => t.incentive !== 'none');
  return touch && touch.incentive !== 'none' ? touch.incentive : undefined;
}
