import type { AbandonmentPaused, Cart, Customer, StorefrontEvent, StorefrontEventType } from '@reclaim/contracts';

export type CartStatus = 'open' | 'abandoned' | 'ordered';
export type CartStage = 'cart' | 'checkout';
export type CheckoutStep = NonNullable<StorefrontEvent['checkout']>['step'];
export type CheckoutErrorCode = NonNullable<StorefrontEvent['error']>['code'];
export type Device = NonNullable<StorefrontEvent['device']>;

/** Checkout steps in the order a shopper goes through them: the furthest one reached is kept. */
export const CHECKOUT_STEPS: ReadonlyArray<CheckoutStep> = ['contact', 'shipping', 'payment', 'review'];

export interface ConsentState {
  email: boolean;
  sms: boolean;
  push: boolean;
}

/** Email is opt-out (allowed until withdrawn); SMS and push are opt-in. */
export const DEFAULT_CONSENT: Readonly<ConsentState> = { email: true, sms: false, push: false };

/** What segmentation knows about one cart. Pure data: persisted by the repository. */
export interface CartState {
  storeId: string;
  cartId: string;
  customer: Customer;
  consent: ConsentState;
  cart: Cart | null;
  stage: CartStage;
  /** occurredAt of the latest shopper activity; never moves backwards. */
  lastActivityAt: Date | null;
  status: CartStatus;
  /** The latest abandonment of this cart (kept after re-arming: a pause names it). */
  abandonmentId: string | null;
  orderId: string | null;
  eventsApplied: number;
  lastEventId: string | null;
  /** The furthest checkout step reached, if any. */
  checkoutStep: CheckoutStep | null;
  /** The code of the latest `checkout.error`; cleared by a later completed checkout step. */
  lastCheckoutError: CheckoutErrorCode | null;
  shippingEstimateViewed: boolean;
  /** The device of the latest event that named one. */
  device: Device | null;
  /** A `push.subscribed` event was seen (web push or app token). */
  pushSubscribed: boolean;
}

/**
 * Events that say the shopper is (still) busy with the cart. Consent changes and push
 * subscriptions update what we know, but do not keep a cart alive or re-arm detection.
 */
const ACTIVITY_TYPES: ReadonlySet<StorefrontEventType> = new Set<StorefrontEventType>([
  'cart.created',
  'cart.updated',
  'cart.viewed',
  'checkout.started',
  'checkout.step_completed',
  'checkout.error',
  'shipping.estimate_viewed',
]);

export function isActivity(type: StorefrontEventType): boolean {
  return ACTIVITY_TYPES.has(type);
}

export function newCartState(storeId: string, cartId: string): CartState {
  return {
    storeId,
    cartId,
    customer: {},
    consent: { ...DEFAULT_CONSENT },
    cart: null,
    stage: 'cart',
    lastActivityAt: null,
    status: 'open',
    abandonmentId: null,
    orderId: null,
    eventsApplied: 0,
    lastEventId: null,
    checkoutStep: null,
    lastCheckoutError: null,
    shippingEstimateViewed: false,
    device: null,
    pushSubscribed: false,
  };
}

function definedFields<T extends object>(value: T | undefined): Partial<T> {
  if (!value) return {};
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Later fields override earlier ones; a stale (out-of-order) event only fills gaps. */
export function mergeCustomer(current: Customer, incoming: Customer | undefined, stale: boolean): Customer {
  return stale ? { ...definedFields(incoming), ...current } : { ...current, ...definedFields(incoming) };
}

/**
 * Absence means unchanged. A withdrawal always applies, even from an out-of-order event
 * (never contact someone who said no); a grant from a stale event is ignored.
 */
export function mergeConsent(
  current: ConsentState,
  incoming: Partial<ConsentState> | undefined,
  stale: boolean,
): ConsentState {
  const next = { ...current };
  if (!incoming) return next;
  for (const channel of ['email', 'sms', 'push'] as const) {
    const given = incoming[channel];
    if (given === false) next[channel] = false;
    else if (given === true && !stale) next[channel] = true;
  }
  return next;
}

/**
 * Applies one storefront event to a cart. Events usually arrive in order per cart (one key,
 * one partition), but an event older than the latest activity is treated as stale: it cannot
 * move the activity clock back or overwrite newer cart contents.
 */
export function applyEvent(state: CartState, event: StorefrontEvent): CartState {
  const occurredAt = new Date(event.occurredAt);
  const stale = state.lastActivityAt !== null && occurredAt.getTime() < state.lastActivityAt.getTime();
  const next: CartState = {
    ...state,
    customer: mergeCustomer(state.customer, event.customer, stale),
    consent: mergeConsent(state.consent, event.consent, stale),
    eventsApplied: state.eventsApplied + 1,
    lastEventId: event.id,
  };
  if (event.cart && !stale) next.cart = event.cart;
  if (event.type.startsWith('checkout.')) next.stage = 'checkout';
  return applySignals(state, next, event, stale);
}

function furthestStep(current: CheckoutStep | null, incoming: CheckoutStep | undefined): CheckoutStep | null {
  if (!incoming) return current;
  if (!current) return incoming;
  return CHECKOUT_STEPS.indexOf(incoming) > CHECKOUT_STEPS.indexOf(current) ? incoming : current;
}

/** The facts segmentation's signals read: checkout progress and errors, shipping views, device, push. */
function applySignals(state: CartState, next: CartState, event: StorefrontEvent, stale: boolean): CartState {
  next.checkoutStep = furthestStep(state.checkoutStep, event.checkout?.step);
  if (event.type === 'checkout.error' && event.error && !stale) next.lastCheckoutError = event.error.code;
  if (event.type === 'checkout.step_completed' && !stale) next.lastCheckoutError = null;
  if (event.type === 'shipping.estimate_viewed') next.shippingEstimateViewed = true;
  if (event.device && (!stale || state.device === null)) next.device = event.device;
  if (event.type === 'push.subscribed') next.pushSubscribed = true;
  return applyStatus(state, next, event);
}

function applyStatus(state: CartState, next: CartState, event: StorefrontEvent): CartState {
  const occurredAt = new Date(event.occurredAt);

  const advances =
    isActivity(event.type) && (state.lastActivityAt === null || occurredAt.getTime() > state.lastActivityAt.getTime());
  if (advances) next.lastActivityAt = occurredAt;

  if (event.type === 'order.completed') {
    next.status = 'ordered';
    next.orderId = event.order?.id ?? state.orderId;
  } else if (state.status === 'abandoned' && advances) {
    // Back after abandonment without an order: detection re-arms for the new activity.
    next.status = 'open';
  }
  return next;
}

/**
 * The pause an applied event causes: the shopper came back to an abandoned cart without ordering,
 * so the live sequence of its latest abandonment pauses while detection re-arms. An order, a
 * consent change or a stale event pauses nothing (an order is stopped by its suppression).
 */
export function pauseCausedBy(
  before: CartState,
  after: CartState,
  event: Pick<StorefrontEvent, 'id' | 'occurredAt'>,
): AbandonmentPaused | undefined {
  if (before.status !== 'abandoned' || after.status !== 'open' || before.abandonmentId === null) return undefined;
  return {
    abandonmentId: before.abandonmentId,
    storeId: before.storeId,
    cartId: before.cartId,
    sourceEventId: event.id,
    resumedAt: event.occurredAt,
  };
}
