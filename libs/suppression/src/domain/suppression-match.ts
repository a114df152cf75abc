import { SuppressionScopes } from '@reclaim/contracts';

/** One row of the materialised suppression view. */
export interface SuppressionEntry {
  scope: string;
  reason: string;
  suppressedAt: Date;
}

/** Who a message would go to, and when their cart was abandoned. */
export interface Recipient {
  storeId: string;
  cartId: string;
  customerId?: string | undefined;
  email?: string | undefined;
  phone?: string | undefined;
  /**
   * When the cart was abandoned. A customer-scope suppression (an order) only stops carts
   * abandoned before or at that order; without it, any customer suppression counts (the safe side).
   */
  abandonedAt?: Date | undefined;
}

export type SuppressionVerdict =
  { suppressed: false } | { suppressed: true; scope: string; reason: string; suppressedAt: Date };

/** Every scope that could stop a message to this recipient, most specific first. */
export function candidateScopes(r: Recipient): string[] {
  const scopes = [SuppressionScopes.cart(r.storeId, r.cartId)];
  if (r.customerId) scopes.push(SuppressionScopes.customer(r.storeId, r.customerId));
  if (r.email) scopes.push(SuppressionScopes.email(r.storeId, r.email));
  if (r.phone) scopes.push(SuppressionScopes.sms(r.storeId, r.phone));
  return scopes;
}

/**
 * The suppression rules, given the view's entries for the candidate scopes:
 * - cart scope: always (that cart was ordered);
 * - customer scope: only when the suppression is at or after the abandonment — an order after
 *   the cart was left stops it, while carts the customer starts after an order are not stopped;
 * - contact scopes (email, sms): always (unsubscribe, STOP, bounce, complaint).
 */
export function judgeSuppression(r: Recipient, entries: ReadonlyArray<SuppressionEntry>): SuppressionVerdict {
  const byScope = new Map(entries.map((e) => [e.scope, e]));
  for (const scope of candidateScopes(r)) {
    const entry = byScope.get(scope);
    if (!entry) continue;
    if (scope.startsWith('customer:') && r.abandonedAt && entry.suppressedAt.getTime() < r.abandonedAt.getTime())
      continue;
    return { suppressed: true, scope, reason: entry.reason, suppressedAt: entry.suppressedAt };
  }
  return { suppressed: false };
}

/** True when the view has read every partition up to the given high watermarks. */
export function caughtUp(positions: ReadonlyMap<number, bigint>, highWatermarks: ReadonlyMap<number, bigint>): boolean {
  for (const [partition, high] of highWatermarks) {
    if ((positions.get(partition) ?? 0n) < high) return false;
  }
  return true;
}
