import type { StorefrontEvent } from '@reclaim/contracts';

/**
 * What one storefront event says about a product at the moment it occurred. A field left out
 * says nothing (the known value stands). `currency` belongs to `unitPrice`: a cart item's price is
 * in its cart's currency; `product.updated` carries none (the store's own currency).
 */
export interface ProductObservation {
  productId: string;
  /** The event's `occurredAt`, as sent (RFC 3339): newest wins, per field. */
  occurredAt: string;
  inStock?: boolean;
  unitPrice?: number;
  currency?: string;
}

/**
 * The product facts an event carries: `product.updated` (store-wide), and the items of any event
 * with a cart that name a `productId`. When one cart lists a product twice (two variants) with
 * different values for a field, that field is left out: the event does not say what the product's is.
 */
export function productObservations(event: StorefrontEvent): ProductObservation[] {
  if (event.type === 'product.updated') {
    const product = event.product;
    if (!product || (product.inStock === undefined && product.unitPrice === undefined)) return [];
    return [
      withDefined({
        productId: product.productId,
        occurredAt: event.occurredAt,
        inStock: product.inStock,
        unitPrice: product.unitPrice,
      }),
    ];
  }
  const cart = event.cart;
  if (!cart) return [];
  const byProduct = new Map<string, Array<(typeof cart.items)[number]>>();
  for (const item of cart.items) {
    if (!item.productId) continue;
    byProduct.set(item.productId, [...(byProduct.get(item.productId) ?? []), item]);
  }
  return [...byProduct].flatMap(([productId, items]) => {
    const inStock = agreed(items.map((i) => i.inStock));
    const unitPrice = agreed(items.map((i) => i.unitPrice));
    if (inStock === undefined && unitPrice === undefined) return [];
    return [
      withDefined({
        productId,
        occurredAt: event.occurredAt,
        inStock,
        unitPrice,
        currency: unitPrice === undefined ? undefined : cart.currency,
      }),
    ];
  });
}

/** The one value every item states (items that state nothing do not count); undefined when they disagree. */
function agreed<T>(values: ReadonlyArray<T | undefined>): T | undefined {
  const stated = new Set(values.filter((v): v is T => v !== undefined));
  return stated.size === 1 ? [...stated][0] : undefined;
}

/** Leaves out the fields the event did not state. */
function withDefined(o: {
  productId: string;
  occurredAt: string;
  inStock?: boolean | undefined;
  unitPrice?: number | undefined;
  currency?: string | undefined;
}): ProductObservation {
  const out: ProductObservation = { productId: o.productId, occurredAt: o.occurredAt };
  if (o.inStock !== undefined) out.inStock = o.inStock;
  if (o.unitPrice !== undefined) out.unitPrice = o.unitPrice;
  if (o.currency !== undefined) out.currency = o.currency;
  return out;
}
