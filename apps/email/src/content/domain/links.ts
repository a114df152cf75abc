import { openJson, sealJson, verifyToken, type TokenSecret } from '@reclaim/core';

/**
 * Unsubscribe tokens are sealed (`sealJson`, AES-256-GCM with keys derived from RESUME_LINK_SECRET
 * for this purpose alone): `{ s: storeId, e: email, t: touchId }` is unreadable to whoever sees
 * the URL, and the touch id makes every message's link different. They never expire: a shopper
 * may withdraw consent from any message, however old.
 *
 * Tokens from before sealing are signed, readable `signToken({ s, e })` texts; they are honoured
 * until EMAIL_LEGACY_UNSUBSCRIBE_UNTIL (apps/email/README.md, "Unsubscribe").
 */
export const UNSUBSCRIBE_PURPOSE = 'unsubscribe';

/** The token of an unsubscribe link for this address at this store (and this touch: each message's link differs). */
export function unsubscribeToken(secret: TokenSecret, storeId: string, email: string, touchId?: string): string {
  return sealJson(
    touchId === undefined ? { s: storeId, e: email } : { s: storeId, e: email, t: touchId },
    secret,
    UNSUBSCRIBE_PURPOSE,
  );
}

export interface UnsubscribeRecipient {
  storeId: string;
  email: string;
  /** The touch whose message carried the link (sealed tokens that name one). */
  touchId?: string;
  /** A readable token from before sealing. */
  legacy: boolean;
}

export interface LegacyUnsubscribePolicy {
  /** Legacy tokens are refused from this instant on; undefined: still honoured. */
  legacyUntil: Date | undefined;
  now: Date;
}

/**
 * The store and address an unsubscribe token names — a sealed token, or a legacy signed one while
 * the policy honours those — or undefined when it is not one of ours, was changed, or is a legacy
 * token past the cutoff.
 */
export function readUnsubscribeToken(
  secret: TokenSecret,
  token: string,
  policy: LegacyUnsubscribePolicy = { legacyUntil: undefined, now: new Date() },
): UnsubscribeRecipient | undefined {
  const sealed = openJson(token, secret, UNSUBSCRIBE_PURPOSE);
  const legacy = sealed === undefined;
  if (legacy && policy.legacyUntil !== undefined && policy.now.getTime() >= policy.legacyUntil.getTime())
    return undefined;
  const payload = sealed ?? verifyToken(token, secret);
  const storeId = payload?.['s'];
  const email = payload?.['e'];
  const touchId = payload?.['t'];
  if (typeof storeId !== 'string' || typeof email !== 'string' || !storeId || !email) return undefined;
  return { storeId, email, ...(!legacy && typeof touchId === 'string' ? { touchId } : {}), legacy };
}

/**
 * The address as the confirmation page shows it, `a…@example.com`: enough for the shopper to
 * recognise, little for anyone else who opens the link (a scanner, a forwarded message).
 */
export function maskedAddress(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0) return '…';
  return `${Array.from(email.slice(0, at))[0] ?? ''}…${email.slice(at)}`;
}
