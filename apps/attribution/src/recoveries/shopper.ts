import type { Customer } from '@reclaim/contracts';

/**
 * The shopper an abandonment belongs to: the unit the hold-out randomises, exactly as segmentation
 * draws it (apps/segmentation/src/abandonment/domain/holdout.ts): the customer id, else the
 * e-mail, else the cart itself. Lift intervals treat each shopper's carts as one cluster.
 */
export function shopperOf(customer: Customer, cartId: string): string {
  if (customer.id) return `customer:${customer.id}`;
  if (customer.email) return `email:${customer.email}`;
  return `cart:${cartId}`;
}

/** An e-mail as orders and abandonments are matched on (case-insensitive). */
export const emailKey = (email: string | undefined): string | null => (email ? email.toLowerCase() : null);
