import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Twilio's webhook signature: base64 HMAC-SHA1, keyed with the auth token, over the full URL the
 * provider called (scheme, host, path and query, exactly as configured) followed by every POST
 * parameter's name and value, sorted by name (a repeated name: its values sorted). Computed over
 * the parameters parsed from the raw body, so nothing a body parser normalises can change it.
 */
export function twilioSignature(authToken: string, url: string, params: URLSearchParams): string {
  const names = [...new Set(params.keys())].sort();
  let data = url;
  for (const name of names) for (const value of params.getAll(name).sort()) data += name + value;
  return createHmac('sha1', authToken).update(Buffer.from(data, 'utf8')).digest('base64');
}

/** Constant-time check of an `X-Twilio-Signature` header. */
export function verifyTwilioSignature(
  authToken: string,
  url: string,
  params: URLSearchParams,
  header: string | undefined,
): boolean {
  if (!authToken || !header) return false;
  const expected = Buffer.from(twilioSignature(authToken, url, params));
  const given = Buffer.from(header);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
