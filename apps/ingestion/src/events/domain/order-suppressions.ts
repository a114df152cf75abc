import { SuppressionScopes, type StorefrontEvent, type Suppression } from '@reclaim/contracts';

/**
 * The suppressions an `order.completed` implies: its cart, and — when the shopper is known by a
 * customer id (`customer:…`) or, a guest, by e-mail (`shopper:email:…`) — their other carts last
 * touched at or before the order (channels compare `suppressedAt` with the cart's last activity,
 * so a cart the shopper works on after the order is not silenced).
 */
export function suppressionsForOrder(storeId: string, event: StorefrontEvent, receivedAt: Date): Suppression[] {
  if (event.type !== 'order.completed' || !event.cartId) return [];
  const common = {
    storeId,
    reason: 'order_completed' as const,
    cartId: event.cartId,
    orderId: event.order?.id,
    sourceEventId: event.id,
    // Our clock, not the store's: channels compare it with abandonment times they recorded.
    suppressedAt: receivedAt.toISOString(),
  };
  const out: Suppression[] = [{ ...common, scope: SuppressionScopes.cart(storeId, event.cartId) }];
  const customerId = event.customer?.id;
  if (customerId) out.push({ ...common, customerId, scope: SuppressionScopes.customer(storeId, customerId) });
  const email = event.customer?.email;
  if (email) out.push({ ...common, scope: SuppressionScopes.shopperEmail(storeId, email) });
  return out;
}
