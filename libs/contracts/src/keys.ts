import type { Channel } from './payloads';
import type { Customer } from './storefront-event';

/** Record keys: every record about a cart is keyed so that the cart's events stay in order. */
export const cartKey = (storeId: string, cartId: string): string => `${storeId}:${cartId}`;
export const productKey = (storeId: string, productId: string): string => `${storeId}:product:${productId}`;

/** Suppression scopes (the compacted topic's keys). */
export const SuppressionScopes = {
  cart: (storeId: string, cartId: string) => `cart:${storeId}:${cartId}`,
  customer: (storeId: string, customerId: string) => `customer:${storeId}:${customerId}`,
  email: (storeId: string, email: string) => `contact:email:${storeId}:${email.toLowerCase()}`,
  sms: (storeId: string, phone: string) => `contact:sms:${storeId}:${phone}`,
  /**
   * Like `customer:`, for a shopper known by e-mail (a guest has no customer id): an order stops
   * that address's carts last touched at or before it, never its later ones.
   */
  shopperEmail: (storeId: string, email: string) => `shopper:email:${storeId}:${email.toLowerCase()}`,
  /** Like `shopper:email:`, for a guest known by phone number. */
  shopperPhone: (storeId: string, phone: string) => `shopper:phone:${storeId}:${phone}`,
  /** A consent withdrawn on one channel, kept under one subject; a tombstone lifts it. */
  consent: (channel: Channel, storeId: string, subject: ConsentSubject) =>
    `consent:${channel}:${storeId}:${subject.kind}:${subject.kind === 'email' ? subject.value.toLowerCase() : subject.value}`,
} as const;

export interface ConsentSubject {
  kind: 'cart' | 'customer' | 'email' | 'phone';
  value: string;
}

/**
 * Every subject a consent decision on `channel` is kept under: the cart, the customer id, and the
 * channel's own address (e-mail for email, phone for sms; push has none beyond the cart and the
 * customer). Ingestion writes a withdrawal under each subject its event names, and a grant lifts
 * the same ones; a channel checks every subject its recipient has, so a withdrawal made on one
 * cart reaches the customer's or the address's other carts.
 */
export function consentScopes(
  channel: Channel,
  storeId: string,
  who: {
    cartId?: string | undefined;
    customerId?: string | undefined;
    email?: string | undefined;
    phone?: string | undefined;
  },
): string[] {
  const subjects: ConsentSubject[] = [];
  if (who.cartId) subjects.push({ kind: 'cart', value: who.cartId });
  if (who.customerId) subjects.push({ kind: 'customer', value: who.customerId });
  if (channel === 'email' && who.email) subjects.push({ kind: 'email', value: who.email });
  if (channel === 'sms' && who.phone) subjects.push({ kind: 'phone', value: who.phone });
  return subjects.map((subject) => SuppressionScopes.consent(channel, storeId, subject));
}

/**
 * Who "one sequence, one message at a time per shopper" counts for: the customer id, else the
 * e-mail address, else the cart alone (an anonymous shopper is only known by the cart). Spelled
 * like the suppression scopes, so a key reads the same everywhere. The scheduler paces and
 * supersedes by it; segmentation's incentive ledger uses it to know which pending incentive a
 * newer cart will supersede.
 */
export function shopperKey(storeId: string, cartId: string, customer: Pick<Customer, 'id' | 'email'>): string {
  if (customer.id) return SuppressionScopes.customer(storeId, customer.id);
  if (customer.email) return SuppressionScopes.email(storeId, customer.email);
  return SuppressionScopes.cart(storeId, cartId);
}
