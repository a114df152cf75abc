import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { keyRing, type SigningKey, type TokenSecret } from './ids';

/**
 * Sealed tokens: what a link carries, encrypted and authenticated (AES-256-GCM), so that whoever
 * sees the URL (a proxy log, a link scanner, a forwarded message) learns nothing from it — unlike
 * `signToken`, whose payload is readable base64 JSON.
 *
 * Text form: `v1.<key id>.<base64url(iv ‖ ciphertext ‖ tag)>` — unpadded base64url, a fresh random
 * 96-bit IV per token. The version and key id are in clear so the reader picks the right key
 * (newest key seals, every key of the ring opens: a rotation breaks no link) and are bound as
 * associated data, so neither can be changed. Each key's AEAD key is derived with HKDF-SHA256 from
 * the ring's secret and a purpose label: one RESUME_LINK_SECRET ring serves resume links and
 * unsubscribe tokens, a token sealed for one purpose does not open for another, and the
 * encryption keys differ from the HMAC keys `signToken` uses with the same secrets.
 */

/** The version marker every sealed token starts with; a new layout gets a new marker. */
export const SEALED_TOKEN_VERSION = 'v1';

/** Longest text `openToken` reads; anything longer is refused before any work. */
export const MAX_SEALED_TOKEN_LENGTH = 2048;

const IV_BYTES = 12;
const TAG_BYTES = 16;
const HKDF_SALT = 'reclaim sealed-token v1';

/** `v1.<key id>.<data>`: the key id as `parseSigningKeys` allows it, data at least an IV, one byte and a tag. */
const SEALED_FORM = /^v1\.([A-Za-z0-9_-]{1,16})\.([A-Za-z0-9_-]{39,})$/;

/** What a sealed token is for: each purpose has keys of its own, so tokens never cross purposes. */
export type SealPurpose = string;

function aeadKey(key: SigningKey, purpose: SealPurpose): Buffer {
  return Buffer.from(hkdfSync('sha256', key.secret, HKDF_SALT, `reclaim ${purpose}`, 32));
}

const associatedData = (keyId: string) => Buffer.from(`${SEALED_TOKEN_VERSION}.${keyId}`, 'utf8');

/** Encrypts `plaintext` (not empty) with the ring's newest key for `purpose`, as URL-safe text. */
export function sealToken(plaintext: Uint8Array, secret: TokenSecret, purpose: SealPurpose): string {
  if (plaintext.length === 0) throw new RangeError('nothing to seal');
  const [key] = keyRing(secret).keys;
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', aeadKey(key, purpose), iv);
  cipher.setAAD(associatedData(key.id));
  const sealed = Buffer.concat([iv, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  return `${SEALED_TOKEN_VERSION}.${key.id}.${sealed.toString('base64url')}`;
}

/**
 * The plaintext of a token `sealToken` made for `purpose` with a key of this ring, or undefined for
 * anything else — never throws. Only the text as issued opens: an unknown version or key id,
 * padding, the `+/` alphabet, non-zero trailing bits, anything over MAX_SEALED_TOKEN_LENGTH, a
 * changed byte anywhere (the tag covers the version and key id too) are all refused.
 */
export function openToken(token: unknown, secret: TokenSecret, purpose: SealPurpose): Buffer | undefined {
  if (typeof token !== 'string' || token.length > MAX_SEALED_TOKEN_LENGTH) return undefined;
  const match = SEALED_FORM.exec(token);
  if (!match) return undefined;
  const [, keyId = '', data = ''] = match;
  const key = keyRing(secret).keys.find((k) => k.id === keyId);
  if (!key) return undefined;
  const bytes = Buffer.from(data, 'base64url');
  // One spelling per token: re-encoding must give the same text (no stray trailing bits).
  if (bytes.length < IV_BYTES + 1 + TAG_BYTES || bytes.toString('base64url') !== data) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', aeadKey(key, purpose), bytes.subarray(0, IV_BYTES), {
      authTagLength: TAG_BYTES,
    });
    decipher.setAAD(associatedData(key.id));
    decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
    return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES)), decipher.final()]);
  } catch {
    return undefined;
  }
}

/** Seals a JSON object (short keys keep the token short). */
export function sealJson(payload: Record<string, unknown>, secret: TokenSecret, purpose: SealPurpose): string {
  return sealToken(Buffer.from(JSON.stringify(payload), 'utf8'), secret, purpose);
}

/** The JSON object `sealJson` sealed, or undefined for anything else. */
export function openJson(
  token: unknown,
  secret: TokenSecret,
  purpose: SealPurpose,
): Record<string, unknown> | undefined {
  const bytes = openToken(token, secret, purpose);
  if (!bytes) return undefined;
  try {
    const parsed: unknown = JSON.parse(bytes.toString('utf8'));
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
