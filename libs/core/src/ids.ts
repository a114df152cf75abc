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

/** Signs a JSON payload into a compact URL-safe token: base64url(json).base64url(hmac). */
export function signToken(payload: Record<string, unknown>, secret: string): string {
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
  const mac = createHmac('sha256', secret).update(body).digest('base64url');
  return `${body}.${mac}`;
}

/**
 * Returns the payload of a token signed with `secret`, or undefined for anything else. Only the
 * exact text `signToken` produces verifies: unpadded base64url with zero trailing bits, JSON as
 * `JSON.stringify` writes it, valid UTF-8. Padding, the standard `+/` alphabet, trailing
 * characters, control characters or lone surrogates, and tokens over MAX_TOKEN_LENGTH are
 * refused without throwing, so one signed value has one accepted spelling.
 */
export function verifyToken(token: unknown, secret: string): Record<string, unknown> | undefined {
  if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH || !TOKEN_FORM.test(token)) return undefined;
  const [body = '', mac = ''] = token.split('.');
  const given = Buffer.from(mac, 'base64url');
  if (given.toString('base64url') !== mac) return undefined;
  const expected = createHmac('sha256', secret).update(body).digest();
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
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
