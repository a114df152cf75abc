import { signToken, verifyToken } from '@reclaim/core';

/** The store's cart page for a cart: `{cartId}` (and `{storeId}`) replaced, URL-encoded. */
export function storeCartUrl(template: string, storeId: string, cartId: string): string {
  return template
    .replaceAll('{cartId}', encodeURIComponent(cartId))
    .replaceAll('{storeId}', encodeURIComponent(storeId));
}

export interface ResumeLinkInput {
  storeId: string;
  cartId: string;
  touchId: string;
  cartUrl: string;
  now: Date;
  ttlMs: number;
}

/** `${publicBaseUrl}/r/<token>`: the ingestion service verifies the token, records the click and redirects. */
export function resumeLink(publicBaseUrl: string, secret: string, i: ResumeLinkInput): string {
  const exp = Math.floor((i.now.getTime() + i.ttlMs) / 1000);
  const token = signToken({ s: i.storeId, c: i.cartId, t: i.touchId, ch: 'email', u: i.cartUrl, exp }, secret);
  return `${publicBaseUrl}/r/${token}`;
}

export function unsubscribeToken(secret: string, storeId: string, email: string): string {
  return signToken({ s: storeId, e: email }, secret);
}

/** The store and address an unsubscribe token names, or undefined when it was tampered with. */
export function readUnsubscribeToken(secret: string, token: string): { storeId: string; email: string } | undefined {
  const payload = verifyToken(token, secret);
  const storeId = payload?.['s'];
  const email = payload?.['e'];
  if (typeof storeId !== 'string' || typeof email !== 'string' || !storeId || !email) return undefined;
  return { storeId, email };
}
