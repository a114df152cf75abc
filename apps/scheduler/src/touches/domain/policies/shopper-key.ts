import { SuppressionScopes, type Customer } from '@reclaim/contracts';

/**
 * Who "one message per shopper" counts for: the customer id, else the email address, else the
 * cart alone (an anonymous shopper is only known by the cart). Reuses the suppression scope
 * spelling, so a key reads the same in both tables.
 */
export function shopperKey(storeId: string, cartId: string, customer: Pick<Customer, 'id' | 'email'>): string {
  if (customer.id) return SuppressionScopes.customer(storeId, customer.id);
  if (customer.email) return SuppressionScopes.email(storeId, customer.email);
  return SuppressionScopes.cart(storeId, cartId);
}
