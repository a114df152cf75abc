import type { CartItem, CartSnapshot } from '@reclaim/contracts';

/**
 * What the email service currently knows about a product (newest fact per field, from
 * `product.updated` and cart events). `currency` is the price's: absent for prices from
 * `product.updated` (the store's currency), the cart's for prices seen in a cart.
 */
export interface ProductFact {
  inStock?: boolean;
  unitPrice?: number;
  currency?: string;
}

/** A cart item as the message shows it: current stock and price, and the snapshot price when it dropped. */
export type CurrentCartItem = CartItem & {
  /** The price at abandonment, set only when the current price is lower (shown struck through). */
  priceBefore?: number;
};

export type CurrentCart = Omit<CartSnapshot, 'items'> & { items: CurrentCartItem[] };

/**
 * The abandoned cart with what is known now laid over its snapshot: an item whose product is now
 * out of stock is marked so (and back in stock when it returned); its price becomes the current
 * one, with the snapshot price kept as `priceBefore` when the new one is lower. A price in another
 * currency than the cart's is not applied. Items without a `productId`, or with no fact, stay as
 * snapshotted. `value` stays the snapshot's; what can be bought now is `stockView`'s business.
 */
export function withCurrentFacts(cart: CartSnapshot, facts: ReadonlyMap<string, ProductFact>): CurrentCart {
  return {
    ...cart,
    items: cart.items.map((item): CurrentCartItem => {
      const fact = item.productId === undefined ? undefined : facts.get(item.productId);
      if (!fact) return item;
      const current: CurrentCartItem = { ...item };
      if (fact.inStock !== undefined) current.inStock = fact.inStock;
      const priceApplies = fact.currency === undefined || fact.currency === cart.currency;
      if (fact.unitPrice !== undefined && priceApplies) {
        current.unitPrice = fact.unitPrice;
        if (fact.unitPrice < item.unitPrice) current.priceBefore = item.unitPrice;
      }
      return current;
    }),
  };
}
