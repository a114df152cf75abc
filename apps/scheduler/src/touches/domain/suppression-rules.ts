/** A suppression as the scheduler keeps it (one per scope). */
export interface SuppressionFact {
  scope: string;
  reason: string;
  suppressedAt: Date;
}

/** The scopes a touch can be stopped by. The contact scope is the channel's own address. */
export interface TouchScopes {
  cart: string;
  customer: string | null;
  contact: string | null;
}

export interface SuppressibleTouch {
  scopes: TouchScopes;
  abandonedAt: Date;
}

/**
 * Which touches a suppression stops:
 * - its cart scope: always (that cart was ordered, or withdrawn as a whole);
 * - its customer scope: only carts abandoned at or before the suppression — an order stops the
 *   customer's carts left before it, not carts they start afterwards;
 * - its contact scope (the address this touch's channel would use): always (unsubscribe, STOP,
 *   bounce, complaint). An email suppression does not stop SMS and vice versa.
 */
export function suppressionApplies(suppression: SuppressionFact, touch: SuppressibleTouch): boolean {
  const { scopes } = touch;
  if (suppression.scope === scopes.cart) return true;
  if (scopes.contact !== null && suppression.scope === scopes.contact) return true;
  if (scopes.customer !== null && suppression.scope === scopes.customer) {
    return touch.abandonedAt.getTime() <= suppression.suppressedAt.getTime();
  }
  return false;
}

/** The first suppression that stops this touch, most specific scope first. */
export function suppressionFor(
  touch: SuppressibleTouch,
  suppressions: ReadonlyArray<SuppressionFact>,
): SuppressionFact | undefined {
  const order = (s: SuppressionFact) => (s.scope === touch.scopes.cart ? 0 : s.scope === touch.scopes.contact ? 1 : 2);
  return [...suppressions].sort((a, b) => order(a) - order(b)).find((s) => suppressionApplies(s, touch));
}

/** Every scope that could stop this touch: what to look up in the suppressions table. */
export function candidateScopes(touch: SuppressibleTouch): string[] {
  const { cart, customer, contact } = touch.scopes;
  return [cart, customer, contact].filter((s): s is string => s !== null);
}

/** The pending touches a newly recorded suppression cancels. */
export function touchesCancelledBy<T extends SuppressibleTouch & { status: string }>(
  suppression: SuppressionFact,
  touches: ReadonlyArray<T>,
): T[] {
  return touches.filter((t) => t.status === 'scheduled' && suppressionApplies(suppression, t));
}
