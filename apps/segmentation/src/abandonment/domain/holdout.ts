import type { Customer } from '@reclaim/contracts';
import { stableBucket } from '@reclaim/core';

/** Who is held out: the customer when known (so all their carts agree), else the cart. */
export function holdoutSubject(customer: Customer, cartId: string): string {
  return customer.id ?? customer.email ?? cartId;
}

/** Deterministic: the same shopper of the same store always lands in the same group. 0 disables. */
export function isHeldOut(storeId: string, customer: Customer, cartId: string, percent: number): boolean {
  if (percent <= 0) return false;
  return stableBucket(storeId, holdoutSubject(customer, cartId)) < percent;
}
