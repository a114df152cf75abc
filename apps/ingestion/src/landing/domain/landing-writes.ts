import type { CartItem, IncentiveIssued, StorefrontEventRecord } from '@reclaim/contracts';

/** A cart's contents as one event saw them. */
export interface CartContents {
  cartId: string;
  currency: string;
  items: CartItem[];
  /** The shopper's IANA time zone, when the event said (the incentive's expiry is shown in it). */
  timezone?: string;
  occurredAt: string;
}

/** What product.updated says about a product (a field left out says nothing). */
export interface ProductFactWrite {
  productId: string;
  inStock?: boolean;
  unitPrice?: number;
  occurredAt: string;
}

/** What one storefront event changes in the landing read model. */
export interface LandingWrites {
  contents?: CartContents;
  ordered?: { cartId: string; occurredAt: string };
  product?: ProductFactWrite;
}

/**
 * The landing read model's share of a storefront event: any event of a cart that carries the cart
 * gives its contents (newest wins downstream), `order.completed` marks the cart ordered, and
 * `product.updated` gives the product's current stock and price. Everything else: nothing.
 */
export function landingWrites(record: StorefrontEventRecord): LandingWrites {
  const { event } = record;
  if (event.type === 'product.updated') {
    const product = event.product;
    if (!product || (product.inStock === undefined && product.unitPrice === undefined)) return {};
    const fact: ProductFactWrite = { productId: product.productId, occurredAt: event.occurredAt };
    if (product.inStock !== undefined) fact.inStock = product.inStock;
    if (product.unitPrice !== undefined) fact.unitPrice = product.unitPrice;
    return { product: fact };
  }
  const cartId = event.cartId;
  if (cartId === undefined) return {};
  const writes: LandingWrites = {};
  if (event.cart) {
    writes.contents = {
      cartId,
      currency: event.cart.currency,
      items: event.cart.items,
      occurredAt: event.occurredAt,
    };
    if (event.customer?.timezone !== undefined) writes.contents.timezone = event.customer.timezone;
  }
  if (event.type === 'order.completed') writes.ordered = { cartId, occurredAt: event.occurredAt };
  return writes;
}

/** The part of an issued incentive the landing page shows. */
export type LandingIncentive = Pick<IncentiveIssued, 'code' | 'kind' | 'cartId'> & { expiresAt: Date };
