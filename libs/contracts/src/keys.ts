/** Record keys: every record about a cart is keyed so that the cart's events stay in order. */
export const cartKey = (storeId: string, cartId: string): string => `${storeId}:${cartId}`;
export const productKey = (storeId: string, productId: string): string => `${storeId}:product:${productId}`;

/** Suppression scopes (the compacted topic's keys). */
export const SuppressionScopes = {
  cart: (storeId: string, cartId: string) => `cart:${storeId}:${cartId}`,
  customer: (storeId: string, customerId: string) => `customer:${storeId}:${customerId}`,
  email: (storeId: string, email: string) => `contact:email:${storeId}:${email.toLowerCase()}`,
  sms: (storeId: string, phone: string) => `contact:sms:${storeId}:${phone}`,
} as const;
