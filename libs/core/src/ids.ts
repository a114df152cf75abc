import { createHash, createHmac, randomUUID, timingSafeEqual } from 'node:crypto';

export const newId = (): string => randomUUID();

/** Stable, well-distributed bucket in [0, 100) for deterministic assignments (hold-out). */
export function stableBucket(...parts: string[]): number {
  const digest = createHash('sha256').update(parts.join('\u0000')).digest();
  return digest.readUInt32BE(0) % 100;
}

/** Deterministic id derived from its parts: used for idempotent, derived records. */
export function derivedId(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('base64url').slice(0, 32);
}

/** Longest token `verifyToken` reads; anything longer is refused before any work. */
export const MAX_TOKEN_LENGTH = 4096;

/** base64url(body) `.` base64url(32-byte HMAC-SHA256): unpadded, URL-safe alphabet only. */
const TOKEN_FORM = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/;

/** One signing key: its id travels in the tokens it signs, so a verifier knows which key to use. */
export interface SigningKey {
  readonly id: string;
  readonly secret: string;
}

/** The keys that sign and verify tokens: the first (newest) signs, every one verifies — rotation breaks no link. */
export interface SigningKeys {
  readonly keys: readonly [SigningKey, ...SigningKey[]];
}

/** A plain secret (tests, tools) or a key ring. */
export type TokenSecret = string | SigningKeys;

const KEY_ID = /^[A-Za-z0-9_-]{1,16}$/;

/** The id of a key given without one: derived from the secret, so it is stable across restarts. */
const derivedKeyId = (secret: string): string => createHash('sha256').update(secret).digest('hex').slice(0, 8);

/**
 * Reads `id:secret,id2:secret2` (newest first) — or a single secret, whose id is derived from it.
 * Ids are 1..16 of `A-Z a-z 0-9 _ -`; an entry whose text before its first `:` is not such an id
 * is a bare secret.
 */
export function parseSigningKeys(text: string): SigningKeys {
  const keys = text
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry): SigningKey => {
      const colon = entry.indexOf(':');
      const id = colon > 0 ? entry.slice(0, colon) : '';
      return KEY_ID.test(id) ? { id, secret: entry.slice(colon + 1) } : { id: derivedKeyId(entry), secret: entry };
    });
  const [first, ...rest] = keys;
  if (!first) throw new RangeError('no signing key given');
  if (keys.some((k) => k.secret === '')) throw new RangeError('a signing key is empty');
  if (new Set(keys.map((k) => k.id)).size !== keys.length) throw new RangeError('two signing keys share one id');
  return { keys: [first, ...rest] };
}

/** The key ring a secret stands for: a plain string is one key, its id derived from it. */
export const keyRing = (secret: TokenSecret): SigningKeys =>
  typeof secret === 'string' ? { keys: [{ id: derivedKeyId(secret), secret }] } : secret;

/** Every secret of a key ring, newest first (for MACs that carry no key id, checked against each). */
export const signingSecrets = (secret: TokenSecret): string[] => keyRing(secret).keys.map((k) => k.secret);

/** The secret new signatures use. */
export const currentSecret = (secret: TokenSecret): string => keyRing(secret).keys[0].secret;

/**
 * Signs a JSON payload into a compact URL-safe token: base64url(json).base64url(hmac). With a key
 * ring, the signing key's id is added to the payload as `k`.
 */
export function signToken(payload: Record<string, unknown>, secret: TokenSecret): string {
  const signed = typeof secret === 'string' ? payload : { ...payload, k: secret.keys[0].id };
  const key = typeof secret === 'string' ? secret : secret.keys[0].secret;
  const body = Buffer.from(JSON.stringify(signed)).toString('base64url');
  const mac = createHmac('sha256', key).update(body).digest('base64url');
  return `${body}.${mac}`;
}

/**
 * Returns the payload of a token signed with `secret` (with a key ring: the key its `k` names, or
 * any key of the ring for a token without one), or undefined for anything else. Only the exact
 * text `signToken` produces verifies: unpadded base64url with zero trailing bits, JSON as
 * `JSON.stringify` writes it, valid UTF-8. Padding, the standard `+/` alphabet, trailing
 * characters, control characters or lone surrogates, and tokens over MAX_TOKEN_LENGTH are
 * refused without throwing, so one signed value has one accepted spelling.
 */
export function verifyToken(token: unknown, secret: TokenSecret): Record<string, unknown> | undefined {
  if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH || !TOKEN_FORM.test(token)) return undefined;
  const [body = '', mac = ''] = token.split('.');
  const given = Buffer.from(mac, 'base64url');
  if (given.toString('base64url') !== mac) return undefined;
  const payload = canonicalPayload(body);
  if (!payload) return undefined;
  const { keys } = keyRing(secret);
  const named = typeof payload['k'] === 'string' ? keys.filter((k) => k.id === payload['k']) : [];
  const candidates = named.length > 0 ? named : keys;
  const signedBy = candidates.some((k) => {
    const expected = createHmac('sha256', k.secret).update(body).digest();
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  return signedBy ? payload : undefined;
}

/** The JSON object a token's body holds, when the body is in its one canonical form. */
function canonicalPayload(body: string): Record<string, unknown> | undefined {
  const bytes = Buffer.from(body, 'base64url');
  if (bytes.toString('base64url') !== body) return undefined;
  const json = bytes.toString('utf8');
  if (!Buffer.from(json, 'utf8').equals(bytes)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  return JSON.stringify(parsed) === json ? (parsed as Record<string, unknown>) : undefined;
}
