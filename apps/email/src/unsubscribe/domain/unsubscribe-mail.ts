/**
 * Reading an unsubscribe request sent by mail to EMAIL_UNSUBSCRIBE_MAILBOX (the `mailto:` of
 * List-Unsubscribe, RFC 2369). Mail clients send the subject the URL names (`unsubscribe <token>`);
 * some send an empty body, some quote it, some add `Re:`. The token is the authority, as for the
 * one-click POST: whoever holds it may stop mail to the address it names, so the sender of the
 * request (often an alias or forwarder) is not compared with that address.
 */

/** Token-shaped words: a signed or encrypted token is base64url with dots, far longer than 16. */
const TOKEN_WORD = /[A-Za-z0-9._~-]{16,}/g;
/** Words tried per request: a token sits near the start; a long body must not cost a verification per word. */
const MAX_CANDIDATES = 20;

/** Whether a recipient is the unsubscribe mailbox, or its `+tag` form (`unsubscribe+x@…`). */
export function isUnsubscribeMailbox(recipient: string, mailbox: string): boolean {
  if (!mailbox) return false;
  const [local, domain] = splitAddress(mailbox);
  const [rLocal, rDomain] = splitAddress(recipient);
  return rDomain === domain && (rLocal === local || rLocal.startsWith(`${local}+`));
}

/**
 * The words that may be the token, most likely first: from the subject, then the `+tag` of the
 * recipient addresses, then the plain-text body.
 */
export function tokenCandidates(mail: { subject: string; text: string; recipients: ReadonlyArray<string> }): string[] {
  const tags = mail.recipients.map((r) => /^[^+@]*\+([^@]+)@/.exec(r)?.[1] ?? '');
  const words = [mail.subject, ...tags, mail.text].flatMap((part) => part.match(TOKEN_WORD) ?? []);
  return [...new Set(words)].slice(0, MAX_CANDIDATES);
}

function splitAddress(address: string): [string, string] {
  const at = address.lastIndexOf('@');
  return [address.slice(0, at).toLowerCase(), address.slice(at + 1).toLowerCase()];
}
