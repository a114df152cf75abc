import type { Channel } from './payloads';

/**
 * The bytes a sealed resume token encrypts: the payload `{ s, c, t, ch, u, iat, exp }` packed
 * tightly, because SMS messages carry resume links and every character counts against their
 * segment limit (apps/sms/src/content/domain/sms-content.ts). Layout:
 *
 * | bytes | field |
 * | --- | --- |
 * | 1 | flags: bits 0–1 channel (1 email, 2 sms, 3 push); bit 2 the touch id is a UUID (16 bytes); bit 3 the cart URL holds the URL-encoded cart id (left out, its offset written instead); bit 4 the cart URL starts `https://` (left out); bits 5–7 zero |
 * | 4 + 4 | `iat`, `exp`: seconds since the epoch, unsigned big-endian |
 * | 16, or text | `t` |
 * | text | `s`, `c` |
 * | text (+ varint) | `u` (without `https://` and the cart id, then the offset where the cart id goes) |
 *
 * Text is a varint byte length and UTF-8. The cipher authenticates every byte, so only a channel
 * could have written them; decoding is still total (undefined, never a throw) on anything else.
 */

const CHANNEL_CODES: Readonly<Record<Channel, number>> = { email: 1, sms: 2, push: 3 };
const CHANNEL_OF: ReadonlyMap<number, Channel> = new Map(
  Object.entries(CHANNEL_CODES).map(([channel, code]) => [code, channel as Channel]),
);
const UUID_TOUCH = 0b0100;
const CART_IN_URL = 0b1000;
const HTTPS_URL = 0b1_0000;
const KNOWN_FLAGS = 0b1_1111;
const HTTPS = 'https://';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface ResumeTokenPayload {
  s: string;
  c: string;
  t: string;
  ch: Channel;
  u: string;
  iat: number;
  exp: number;
}

function varint(n: number): number[] {
  const out: number[] = [];
  let rest = n;
  while (rest >= 0x80) {
    out.push((rest & 0x7f) | 0x80);
    rest >>>= 7;
  }
  out.push(rest);
  return out;
}

const text = (s: string): Buffer => {
  const bytes = Buffer.from(s, 'utf8');
  return Buffer.concat([Buffer.from(varint(bytes.length)), bytes]);
};

export function encodeResumePayload(p: ResumeTokenPayload): Buffer {
  const https = p.u.startsWith(HTTPS);
  const rest = https ? p.u.slice(HTTPS.length) : p.u;
  const cart = encodeURIComponent(p.c);
  const at = cart === '' ? -1 : rest.indexOf(cart);
  const flags =
    CHANNEL_CODES[p.ch] | (UUID.test(p.t) ? UUID_TOUCH : 0) | (at >= 0 ? CART_IN_URL : 0) | (https ? HTTPS_URL : 0);
  const head = Buffer.alloc(9);
  head.writeUInt8(flags, 0);
  head.writeUInt32BE(p.iat, 1);
  head.writeUInt32BE(p.exp, 5);
  const touch = flags & UUID_TOUCH ? Buffer.from(p.t.replaceAll('-', ''), 'hex') : text(p.t);
  const url =
    at >= 0
      ? Buffer.concat([text(rest.slice(0, at) + rest.slice(at + cart.length)), Buffer.from(varint(at))])
      : text(rest);
  return Buffer.concat([head, touch, text(p.s), text(p.c), url]);
}

/** Reads the bytes `encodeResumePayload` wrote, or undefined when they are anything else. */
export function decodeResumePayload(bytes: Buffer): ResumeTokenPayload | undefined {
  let at = 0;
  const readVarint = (): number | undefined => {
    let value = 0;
    for (let shift = 0; shift < 28; shift += 7) {
      const byte = bytes[at++];
      if (byte === undefined) return undefined;
      value |= (byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return value;
    }
    return undefined;
  };
  const readText = (): string | undefined => {
    const length = readVarint();
    if (length === undefined || at + length > bytes.length) return undefined;
    const slice = bytes.subarray(at, (at += length));
    const s = slice.toString('utf8');
    return Buffer.from(s, 'utf8').equals(slice) ? s : undefined;
  };
  if (bytes.length < 9) return undefined;
  const flags = bytes.readUInt8(0);
  const ch = CHANNEL_OF.get(flags & 0b11);
  if (!ch || (flags & ~KNOWN_FLAGS) !== 0) return undefined;
  const iat = bytes.readUInt32BE(1);
  const exp = bytes.readUInt32BE(5);
  at = 9;
  let t: string | undefined;
  if (flags & UUID_TOUCH) {
    if (at + 16 > bytes.length) return undefined;
    const hex = bytes.subarray(at, (at += 16)).toString('hex');
    t = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  } else t = readText();
  const s = readText();
  const c = readText();
  let u = readText();
  if (t === undefined || s === undefined || c === undefined || u === undefined) return undefined;
  if (flags & CART_IN_URL) {
    const offset = readVarint();
    if (offset === undefined || offset > u.length) return undefined;
    u = u.slice(0, offset) + encodeURIComponent(c) + u.slice(offset);
  }
  if (flags & HTTPS_URL) u = HTTPS + u;
  if (at !== bytes.length) return undefined;
  return { s, c, t, ch, u, iat, exp };
}
