import { domainToASCII } from 'node:url';
import { z } from 'zod';
import { identifierProblem } from './text';

/**
 * E-mail addresses as RFC 6531 (SMTPUTF8) allows them: the local part may hold non-ASCII
 * letters (`jösé@example.com`), the domain may be internationalised (`ada@exämple.com`).
 * Quoted local parts and address literals (`user@[192.0.2.1]`) are refused: no store sends
 * them, and every one that ever reached a mailbox can be written without.
 *
 * The address is normalised on the way in, so the same mailbox is always one string: the domain
 * in its ASCII form (IDNA: punycode, lower case) — what DNS and SMTP use — and the local part
 * in Unicode NFC, kept otherwise as sent.
 */
const MAX_LOCAL_OCTETS = 64;
const MAX_DOMAIN_OCTETS = 253;
const MAX_ADDRESS_OCTETS = 254;

// atext (RFC 5322) plus any non-ASCII character (RFC 6531 UTF8-non-ascii), in dot-atom form.
const ATOM = String.raw`[A-Za-z0-9!#$%&'*+/=?^_\x60{|}~\-\u0080-\u{10FFFF}]+`;
const LOCAL_PART = new RegExp(`^${ATOM}(?:\\.${ATOM})*$`, 'u');
const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
const TOP_LEVEL = /^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/;

const octets = (s: string) => Buffer.byteLength(s, 'utf8');

/** The normalised address, or the reason `input` is not an address we can send to. */
export function normaliseEmail(input: string): { ok: true; email: string } | { ok: false; why: string } {
  const control = identifierProblem(input);
  if (control) return { ok: false, why: control };
  const at = input.lastIndexOf('@');
  if (at <= 0 || at === input.length - 1)
    return { ok: false, why: 'must be an e-mail address such as ada@example.com' };
  const local = input.slice(0, at).normalize('NFC');
  const unicodeDomain = input.slice(at + 1);
  if (!LOCAL_PART.test(local) || /\s/u.test(local)) return { ok: false, why: 'has an invalid local part (before @)' };
  if (octets(local) > MAX_LOCAL_OCTETS) return { ok: false, why: `local part longer than ${MAX_LOCAL_OCTETS} bytes` };
  if (/[\s@[\]]/u.test(unicodeDomain)) return { ok: false, why: 'has an invalid domain' };
  const domain = domainToASCII(unicodeDomain);
  const labels = domain.split('.');
  if (
    domain === '' ||
    labels.length < 2 ||
    !labels.every((l) => LABEL.test(l)) ||
    !TOP_LEVEL.test(labels[labels.length - 1] ?? '')
  ) {
    return { ok: false, why: 'has an invalid domain' };
  }
  if (domain.length > MAX_DOMAIN_OCTETS) return { ok: false, why: `domain longer than ${MAX_DOMAIN_OCTETS} bytes` };
  const email = `${local}@${domain}`;
  if (octets(email) > MAX_ADDRESS_OCTETS) return { ok: false, why: `longer than ${MAX_ADDRESS_OCTETS} bytes` };
  return { ok: true, email };
}

/** An e-mail address (RFC 6531), normalised: see `normaliseEmail`. */
export const EmailAddress = z.string().transform((input, ctx) => {
  const result = normaliseEmail(input);
  if (result.ok) return result.email;
  ctx.addIssue({ code: 'custom', message: result.why });
  return z.NEVER;
});
