import { signToken } from '@reclaim/core';
import { Channels, type Channel } from './payloads';

/**
 * Resume links: every channel signs one per touch; ingestion's `GET /r/:token` verifies it,
 * records the click and redirects. The token payload `{ s, c, t, ch, u, exp }` is the contract
 * between them, so both sides live here.
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
export function resumeLink(publicBaseUrl: string, secret: string, i: ResumeLinkInput): string {
  const exp = Math.floor((i.now.getTime() + i.ttlMs) / 1000);
  const token = signToken({ s: i.storeId, c: i.cartId, t: i.touchId, ch: i.channel, u: i.cartUrl, exp }, secret);
  return `${publicBaseUrl}/r/${token}`;
}

export interface ResumeLink {
  storeId: string;
  cartId: string;
  touchId: string;
  channel: Channel;
  url: string;
}

/**
 * Reads a verified resume-token payload `{ s, c, t, ch, u, exp }`. Undefined when a field is
 * missing, the link expired, or the target is not an http(s) URL.
 */
export function readResumeToken(payload: Record<string, unknown> | undefined, now: Date): ResumeLink | undefined {
  if (!payload) return undefined;
  const { s, c, t, ch, u, exp } = payload;
  if (typeof s !== 'string' || typeof c !== 'string' || typeof t !== 'string' || typeof u !== 'string')
    return undefined;
  if (typeof exp !== 'number' || exp * 1000 < now.getTime()) return undefined;
  const channel = Channels.find((x) => x === ch);
  if (!channel) return undefined;
  let url: URL;
  try {
    url = new URL(u);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  return { storeId: s, cartId: c, touchId: t, channel, url: url.toString() };
}
