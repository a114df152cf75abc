import { SuppressionScopes, type StorefrontEvent, type Suppression } from '@reclaim/contracts';

/**
 * The suppressions an `order.completed` implies: its cart, and — when the shopper is known —
 * every cart of that customer abandoned before the order (scope `customer:…`, compared with
 * `suppressedAt` by the channels, so carts started after the order are not silenced).
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
  return out;
}
