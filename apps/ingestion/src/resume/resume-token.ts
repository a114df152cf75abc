import { Channels } from '@reclaim/contracts';

export interface ResumeLink {
  storeId: string;
  cartId: string;
  touchId: string;
  channel: (typeof Channels)[number];
  url: string;
}

/**
 * Reads a verified resume-token payload `{ s, c, t, ch, u, exp }`. Undefined when a field is
 * missing, the link expired, or the target is not an http(s) URL.
 */
export function readResumeToken(payload: Record<string, unknown> | undefined, now: Date): ResumeLink | undefined {
  if (!payload) return undefined;
  const { s, c, t, ch, u, exp } = payload;
  if (typeof s !== 'string' || typeof c !== 'string' || typeof t !== 'string' || typeof u !== 'string') return undefined;
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
