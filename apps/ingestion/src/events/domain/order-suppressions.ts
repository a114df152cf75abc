import { SuppressionScopes, type StorefrontEvent, type Suppression } from '@reclaim/contracts';

/**
 * The suppressions an `order.completed` implies: its cart, and — under every identifier the order
 * names: customer id (`customer:…`), e-mail (`shopper:email:…`), phone (`shopper:phone:…`) — the
 * shopper's other carts last touched at or before the order, on every channel (channels compare
 * `suppressedAt` with the cart's last activity, so a cart the shopper works on after the order is
 * not silenced). A guest known only by e-mail is stopped on SMS and push too.
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
  const phone = event.customer?.phone;
  if (phone) out.push({ ...common, scope: SuppressionScopes.shopperPhone(storeId, phone) });
  return out;
}
