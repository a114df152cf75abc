import { signToken, type TokenSecret } from '@reclaim/core';
import { Channels, type Channel } from './payloads';

/**
 * Resume links: every channel signs one per touch; ingestion's `GET /r/:token` verifies it,
 * records the click and redirects. The token payload `{ s, c, t, ch, u, iat, exp }` is the
 * contract between them, so both sides live here. `iat` (seconds, when the message was built) lets
 * ingestion tell a security scanner's fetch on arrival from a shopper's click; tokens issued
 * before it was added have none.
 */

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
  channel: Channel;
  cartUrl: string;
  now: Date;
  ttlMs: number;
}

/** `${publicBaseUrl}/r/<token>`: the ingestion service verifies the token, records the click and redirects. */
export function resumeLink(publicBaseUrl: string, secret: TokenSecret, i: ResumeLinkInput): string {
  const iat = Math.floor(i.now.getTime() / 1000);
  const exp = Math.floor((i.now.getTime() + i.ttlMs) / 1000);
  const token = signToken({ s: i.storeId, c: i.cartId, t: i.touchId, ch: i.channel, u: i.cartUrl, iat, exp }, secret);
  return `${publicBaseUrl}/r/${token}`;
}

export interface ResumeLink {
  storeId: string;
  cartId: string;
  touchId: string;
  channel: Channel;
  url: string;
  /** When the link was issued (to the second); absent on tokens from before `iat`. */
  issuedAt?: Date;
}

/** What a verified resume-token payload says: a link, a well-formed link past its expiry, or nothing usable. */
export type ResumeTokenReading =
  | { status: 'valid'; link: ResumeLink }
  | { status: 'expired'; link: ResumeLink; expiredAt: Date }
  | { status: 'invalid' };

/**
 * Reads a verified resume-token payload `{ s, c, t, ch, u, iat?, exp }` and tells an expired link
 * from a broken one: the payload of a token whose signature verified is the channel's own word, so
 * an expired link still names its store (ingestion links the shopper to it). `invalid` when a field
 * is missing or malformed, or the target is not an http(s) URL.
 */
export function inspectResumeToken(payload: Record<string, unknown> | undefined, now: Date): ResumeTokenReading {
  if (!payload) return { status: 'invalid' };
  const { s, c, t, ch, u, iat, exp } = payload;
  if (typeof s !== 'string' || typeof c !== 'string' || typeof t !== 'string' || typeof u !== 'string')
    return { status: 'invalid' };
  if (typeof exp !== 'number' || !Number.isFinite(exp)) return { status: 'invalid' };
  if (iat !== undefined && (typeof iat !== 'number' || !Number.isSafeInteger(iat) || iat > exp))
    return { status: 'invalid' };
  const channel = Channels.find((x) => x === ch);
  if (!channel) return { status: 'invalid' };
  let url: URL;
  try {
    url = new URL(u);
  } catch {
    return { status: 'invalid' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { status: 'invalid' };
  const link: ResumeLink = { storeId: s, cartId: c, touchId: t, channel, url: url.toString() };
  if (typeof iat === 'number') link.issuedAt = new Date(iat * 1000);
  if (exp * 1000 < now.getTime()) return { status: 'expired', link, expiredAt: new Date(exp * 1000) };
  return { status: 'valid', link };
}

/**
 * Reads a verified resume-token payload `{ s, c, t, ch, u, iat?, exp }`. Undefined when a field
 * is missing or malformed, the link expired, or the target is not an http(s) URL.
 */
export function readResumeToken(payload: Record<string, unknown> | undefined, now: Date): ResumeLink | undefined {
  const reading = inspectResumeToken(payload, now);
  return reading.status === 'valid' ? reading.link : undefined;
}
