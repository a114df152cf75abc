import { createHmac, timingSafeEqual } from 'node:crypto';
import { currentSecret, signingSecrets, type TokenSecret } from '@reclaim/core';

/** `local+<touchId>.<mac>@domain`: the MAC keeps strangers from naming touches they never saw. */
const MAC_LENGTH = 10;

function mac(touchId: string, secret: string): string {
  return createHmac('sha256', secret).update(`bounce:${touchId}`).digest('hex').slice(0, MAC_LENGTH);
}

function split(address: string): { local: string; domain: string } | undefined {
  const at = address.lastIndexOf('@');
  if (at <= 0 || at === address.length - 1) return undefined;
  return { local: address.slice(0, at), domain: address.slice(at + 1).toLowerCase() };
}

/**
 * The envelope sender (VERP) of a touch's message: bounces and complaints about it come back to
 * an address that names the touch. `bounceAddress` is `local@domain`; its local part must leave
 * room for the touch id (RFC 5321: 64 octets).
 */
export function returnPathFor(bounceAddress: string, touchId: string, secret: TokenSecret): string {
  const parts = split(bounceAddress);
  if (!parts) throw new RangeError(`not an address: ${bounceAddress}`);
  return `${parts.local}+${touchId}.${mac(touchId, currentSecret(secret))}@${parts.domain}`;
}

/**
 * The touch a recipient of the bounce address names, when it is one of ours and its MAC is right;
 * `null` for the bare bounce address (a report that names its touch inside, if at all);
 * undefined for any other address.
 */
export function touchOfReturnPath(
  address: string,
  bounceAddress: string,
  secret: TokenSecret,
): string | null | undefined {
  const ours = split(bounceAddress);
  const parts = split(address);
  if (!ours || !parts || parts.domain !== ours.domain) return undefined;
  if (parts.local.toLowerCase() === ours.local.toLowerCase()) return null;
  const prefix = `${ours.local}+`;
  if (parts.local.slice(0, prefix.length).toLowerCase() !== prefix.toLowerCase()) return undefined;
  const tagged = parts.local.slice(prefix.length);
  const dot = tagged.lastIndexOf('.');
  if (dot <= 0) return undefined;
  const touchId = tagged.slice(0, dot);
  const given = Buffer.from(tagged.slice(dot + 1).toLowerCase());
  // Every key of the ring: a report about a message signed before a rotation still maps to its touch.
  const signed = signingSecrets(secret).some((key) => {
    const expected = Buffer.from(mac(touchId, key));
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  return signed ? touchId : undefined;
}
