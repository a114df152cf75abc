import type { CartItem } from '@reclaim/contracts';

/** Items a shopper can still buy: anything not reported out of stock. */
export const isBuyable = (item: Pick<CartItem, 'inStock'>): boolean => item.inStock !== false;

/**
 * What a message shows: every item (out-of-stock ones marked), the total of what can still be
 * bought, and the product the subject names (the first buyable one). Undefined when nothing in the
 * cart can be bought: the touch is then skipped with a reason rather than sent. Pass the cart with
 * current facts laid over it (`withCurrentFacts`): stock and prices are then today's.
 */
export function stockView<I extends Pick<CartItem, 'inStock' | 'quantity' | 'unitPrice'>>(cart: {
  items: readonly I[];
}): { headline: I; buyableTotal: number; someOutOfStock: boolean } | undefined {
  const buyable = cart.items.filter(isBuyable);
  const headline = buyable[0];
  if (!headline) return undefined;
  return {
    headline,
    buyableTotal: buyable.reduce((sum, i) => sum + i.quantity * i.unitPrice, 0),
    someOutOfStock: buyable.length < cart.items.length,
  };
}
