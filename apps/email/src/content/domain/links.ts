import { signToken, verifyToken, type TokenSecret } from '@reclaim/core';

export function unsubscribeToken(secret: TokenSecret, storeId: string, email: string): string {
  return signToken({ s: storeId, e: email }, secret);
}

/** The store and address an unsubscribe token names, or undefined when it was tampered with. */
export function readUnsubscribeToken(
  secret: TokenSecret,
  token: string,
): { storeId: string; email: string } | undefined {
  const payload = verifyToken(token, secret);
  const storeId = payload?.['s'];
  const email = payload?.['e'];
  if (typeof storeId !== 'string' || typeof email !== 'string' || !storeId || !email) return undefined;
  return { storeId, email };
}
