import { openToken, sealToken, verifyToken, type TokenSecret } from '@reclaim/core';
import { Channels, type Channel } from './payloads';
import { decodeResumePayload, encodeResumePayload } from './resume-token-payload';

/**
 * Resume links: every channel seals one per touch; ingestion's `GET /r/:token` opens it, records
 * the click and redirects. The token payload `{ s, c, t, ch, u, iat, exp }` is the contract between
 * them, so both sides live here. `iat` (seconds, when the message was built) lets ingestion tell a
 * security scanner's fetch on arrival from a shopper's click; legacy tokens issued before it was
 * added have none.
 *
 * Tokens are sealed (`sealToken`, AES-256-GCM, purpose RESUME_LINK_PURPOSE): nothing in a link
 * reads as the store, cart, touch or cart URL. Links issued before sealing are signed, readable
 * `signToken` tokens; `openResumeToken` still reads them, and they lapse by themselves
 * RESUME_LINK_TTL after the last one was sent (apps/ingestion/README.md, "Token format").
 */

/** The `sealToken` purpose of resume links (its own AEAD keys, derived from RESUME_LINK_SECRET). */
export const RESUME_LINK_PURPOSE = 'resume-link';

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

/** `${publicBaseUrl}/r/<token>`: the ingestion service opens the sealed token, records the click and redirects. */
export function resumeLink(publicBaseUrl: string, secret: TokenSecret, i: ResumeLinkInput): string {
  const iat = Math.floor(i.now.getTime() / 1000);
  const exp = Math.floor((i.now.getTime() + i.ttlMs) / 1000);
  const payload = encodeResumePayload({
    s: i.storeId,
    c: i.cartId,
    t: i.touchId,
    ch: i.channel,
    u: i.cartUrl,
    iat,
    exp,
  });
  return `${publicBaseUrl}/r/${sealToken(payload, secret, RESUME_LINK_PURPOSE)}`;
}

/**
 * The payload `{ s, c, t, ch, u, iat, exp }` of a resume token sealed with a key of `secret`, or of
 * a legacy signed token (`verifyToken`; read while such links can still be unexpired), for
 * `inspectResumeToken`; undefined for anything else. Never throws.
 */
export function openResumeToken(token: unknown, secret: TokenSecret): Record<string, unknown> | undefined {
  const sealed = openToken(token, secret, RESUME_LINK_PURPOSE);
  if (sealed) {
    const payload = decodeResumePayload(sealed);
    return payload && { ...payload };
  }
  return verifyToken(token, secret);
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

/** What an opened resume-token payload says: a link, a well-formed link past its expiry, or nothing usable. */
export type ResumeTokenReading =
  | { status: 'valid'; link: ResumeLink }
  | { status: 'expired'; link: ResumeLink; expiredAt: Date }
  | { status: 'invalid' };

/**
 * Reads an opened resume-token payload `{ s, c, t, ch, u, iat?, exp }` and tells an expired link
 * from a broken one: the payload of a token that opened (or verified) is the channel's own word, so
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
 * Reads an opened resume-token payload `{ s, c, t, ch, u, iat?, exp }`. Undefined when a field
 * is missing or malformed, the link expired, or the target is not an http(s) URL.
 */
export function readResumeToken(payload: Record<string, unknown> | undefined, now: Date): ResumeLink | undefined {
  const reading = inspectResumeToken(payload, now);
  return reading.status === 'valid' ? reading.link : undefined;
}
