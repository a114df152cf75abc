import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { envInt } from '@reclaim/core';
import { envQuietHours, touchAttemptConfigShape } from '@reclaim/delivery';
import { baseConfigShape, envSigningKeys, envBaseUrl, envDuration, envPort } from '@reclaim/platform';
import { isUnsubscribeMailbox } from './unsubscribe/domain/unsubscribe-mail';

export const EmailConfig = z
  .object({
    ...baseConfigShape,
    EMAIL_PORT: envPort(3003),
    /** SMTP server the email service hands messages to (`smtp://` or `smtps://`, credentials in the URL). */
    SMTP_URL: z
      .string()
      .default('smtp://127.0.0.1:1025')
      .refine((s) => /^smtps?:\/\//.test(s), 'must be an smtp:// or smtps:// URL'),
    /** Connection and greeting timeout for SMTP; the socket timeout is twice this. */
    SMTP_TIMEOUT_MS: envInt(15_000, { min: 100 }),
    /** Sender address; its display name is the store name in the footer. */
    EMAIL_FROM: z.string().min(3).default('Reclaim Demo Store <shop@reclaim.local>'),
    /**
     * Where bounces and complaints come back (`bounces@bounce.shop.example`). Set, every message's
     * envelope sender names its touch (`bounces+<touch>.<mac>@…`, VERP) so a report maps to the
     * touch and its address; empty: the envelope sender is EMAIL_FROM's address.
     */
    EMAIL_BOUNCE_ADDRESS: z
      .union([z.literal(''), z.email()])
      .default('')
      .refine(
        (s) => s === '' || s.indexOf('@') <= 20,
        'its local part may have at most 20 characters (VERP needs room)',
      ),
    /**
     * Port of the SMTP listener that takes delivery status notifications (RFC 3464) and abuse
     * reports (ARF, RFC 5965) for EMAIL_BOUNCE_ADDRESS; 0 = off. Route the bounce domain's MX (or
     * the provider's forwarding) to it.
     */
    EMAIL_INBOUND_SMTP_PORT: envInt(0, { min: 0, max: 65_535 }),
    /**
     * Interface the inbound SMTP listener binds to: loopback by default (a relay or forwarder on
     * the same host); `0.0.0.0` to take mail as the bounce domain's MX.
     */
    EMAIL_INBOUND_SMTP_HOST: z.string().min(1).default('127.0.0.1'),
    /**
     * Largest report the listener takes, in bytes: past it the rest of the message is read and
     * thrown away (never held in memory) and the answer is 552. Reports carry headers or a short
     * message; 512 KiB is ample.
     */
    EMAIL_INBOUND_SMTP_MAX_BYTES: envInt(524_288, { min: 1_024, max: 10_485_760 }),
    /** Concurrent SMTP clients; more are answered 421 (try again later) and disconnected. */
    EMAIL_INBOUND_SMTP_MAX_CLIENTS: envInt(20, { min: 1, max: 1_000 }),
    /** An inbound SMTP client silent this long is disconnected. */
    EMAIL_INBOUND_SMTP_IDLE_TIMEOUT_MS: envInt(30_000, { min: 100 }),
    /** No inbound SMTP connection lasts longer than this, however it trickles (slow senders). */
    EMAIL_INBOUND_SMTP_SESSION_TIMEOUT_MS: envInt(300_000, { min: 1_000 }),
    /** Public base URL of ingestion, which serves resume links at `/r/:token` (https in production). */
    PUBLIC_BASE_URL: envBaseUrl('http://localhost:3000'),
    /** Public base URL of the email service, which serves one-click unsubscribe at `/unsubscribe/:token` (https in production). */
    EMAIL_PUBLIC_URL: envBaseUrl('http://localhost:3003'),
    /** Where a resume link lands: the store's cart page, with `{cartId}` (and `{storeId}`) filled in. */
    STORE_CART_URL_TEMPLATE: z
      .string()
      .default('https://shop.example/cart/{cartId}')
      .refine((s) => /^https?:\/\//.test(s), 'must be an http(s) URL template with {cartId}'),
    /** Postal address printed in every email's footer. */
    STORE_POSTAL_ADDRESS: z
      .string()
      .min(1)
      .default('Reclaim Demo Store · 1 Example Street · 00000 Sample City · Country'),
    /** The store's returns policy, shown in every email's trust block (empty: not shown). */
    STORE_RETURNS_POLICY: z.string().max(300).default('Free returns within 30 days.'),
    /** Support address shown in the trust block (empty: not shown). */
    STORE_SUPPORT_EMAIL: z.union([z.literal(''), z.email()]).default(''),
    /**
     * Where a shopper's reply goes (`Reply-To`). Empty: STORE_SUPPORT_EMAIL when set, else no
     * Reply-To header and replies go to EMAIL_FROM (also when it is that address).
     */
    EMAIL_REPLY_TO: z.union([z.literal(''), z.email()]).default(''),
    /**
     * Mailbox offered as the `mailto:` alternative in List-Unsubscribe (`unsubscribe@bounce.shop.example`),
     * the token in the subject. With EMAIL_INBOUND_SMTP_PORT set the service's listener takes mail
     * for it (and its `+tag` forms) and unsubscribes the shopper the token names; otherwise whatever
     * receives that mailbox must. Empty: List-Unsubscribe offers the https URL only.
     */
    EMAIL_UNSUBSCRIBE_MAILBOX: z.union([z.literal(''), z.email()]).default(''),
    /**
     * The SenderId of `Feedback-ID: <template>:<storeId>:cart-recovery:<sender id>` (Gmail's feedback
     * loop): 5–15 letters, digits, `.`, `_` or `-`, the same on every message of the stream.
     */
    EMAIL_FEEDBACK_SENDER_ID: z
      .string()
      .regex(/^[A-Za-z0-9._-]{5,15}$/, '5 to 15 letters, digits, dots, underscores or hyphens')
      .default('reclaim'),
    /**
     * DKIM signing inside Reclaim (off by default: signing at the relay is recommended). The signing
     * domain (`d=`); set together with EMAIL_DKIM_SELECTOR and a key, or none of them.
     */
    EMAIL_DKIM_DOMAIN: z
      .string()
      .regex(/^([A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+)?$/, 'a domain name such as shop.example')
      .default(''),
    /** DKIM selector (`s=`): the key's public half is published at `<selector>._domainkey.<domain>`. */
    EMAIL_DKIM_SELECTOR: z
      .string()
      .regex(/^([A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*)?$/, 'a DNS label (or dotted labels)')
      .default(''),
    /** DKIM private key, PEM (RSA, 2048 bits recommended). Secret: never logged. Or EMAIL_DKIM_PRIVATE_KEY_FILE. */
    EMAIL_DKIM_PRIVATE_KEY: z.string().default(''),
    /** File holding the DKIM private key (PEM), read once at start-up; instead of EMAIL_DKIM_PRIVATE_KEY. */
    EMAIL_DKIM_PRIVATE_KEY_FILE: z.string().default(''),
    /** Support phone shown in the trust block (empty: not shown). */
    STORE_SUPPORT_PHONE: z.string().max(40).default(''),
    /**
     * JSON file with the stores' email wording (angle copy; `defaults` and per-store overrides),
     * validated at start-up; empty = built-in copy. Format: apps/email/README.md.
     */
    EMAIL_CONTENT_FILE: z.string().default(''),
    /**
     * Seals resume links and unsubscribe tokens (AES-256-GCM, keys derived per purpose), signs bounce addresses; ingestion opens what the channels seal.
     * One secret, or a key ring `k2:<new>,k1:<old>`: the first seals and signs, every one opens, so a rotation
     * breaks no link already sent. Production refuses the default and secrets under 32 bytes. Never logged.
     */
    RESUME_LINK_SECRET: envSigningKeys('dev-only-change-me'),
    /**
     * Unsubscribe links sent before tokens were sealed (readable `signToken` tokens) are honoured
     * until this instant (ISO 8601 date or date-time, e.g. `2027-06-30`); empty: honoured without
     * end. Set it no earlier than 30 days after the upgrade's last legacy message.
     */
    EMAIL_LEGACY_UNSUBSCRIBE_UNTIL: z
      .string()
      .default('')
      .refine(
        (s) => s === '' || (/^\d{4}-\d{2}-\d{2}(T|$)/.test(s) && !Number.isNaN(Date.parse(s))),
        'must be an ISO 8601 date such as 2027-06-30',
      )
      .transform((s) => (s === '' ? undefined : new Date(s))),
    /** How long an incentive code stays valid after it is issued (real time, not scaled: shoppers read the date). */
    INCENTIVE_CODE_TTL: envDuration('72h'),
    /** Prefix of issued incentive codes, e.g. RC-7K2Q-MX9D. */
    INCENTIVE_CODE_PREFIX: z
      .string()
      .regex(/^[A-Z0-9]{1,8}$/, 'upper-case letters and digits, at most 8')
      .default('RC'),
    /** How long resume links work (real time, not scaled). */
    RESUME_LINK_TTL: envDuration('7d'),
    /**
     * A message goes to SMTP only within this many ms of the suppression barrier that cleared it,
     * measured from the watermark read to MAIL FROM on a connection already up (connect, greeting,
     * EHLO and AUTH come before the check); a slower path re-checks. Must stay well below
     * ingestion's INGESTION_ORDER_ACK_GUARD_MS (ADR 0005).
     */
    EMAIL_SEND_FRESHNESS_MS: envInt(60, { min: 1, max: 1_000 }),
    /**
     * Carts whose touches are sent side by side within one partition of the touch topic (each on
     * an SMTP connection of its own while it is handed over); an instance works up to 3 of the partitions it holds at once, so up
     * to 3 × this many hand-offs are in flight per instance. 1 = one touch at a time per partition.
     */
    EMAIL_CONCURRENCY: envInt(4, { min: 1, max: 64 }),
    /** How long a send waits for the suppression view to catch up before the touch is retried. */
    SUPPRESSION_BARRIER_TIMEOUT_MS: envInt(10_000, { min: 100 }),
    ...touchAttemptConfigShape,
    /** Email quiet hours on the recipient's local clock (`HH:MM-HH:MM` or `off`), checked again at send time: a touch inside is retried from the send ledger at the window's end, or skipped `stale_after_deferral:quiet_hours` past its deadline. Keep it equal to SCHEDULER_QUIET_HOURS_EMAIL. */
    EMAIL_QUIET_HOURS: envQuietHours('off'),
    /**
     * Test-only crash point: `after_smtp_accept` kills the process right after SMTP accepted a
     * message and before the ledger records it, so tests can prove the never-resend policy.
     */
    EMAIL_TEST_CRASH_POINT: z.enum(['', 'after_smtp_accept']).default(''),
  })
  .refine((c) => c.EMAIL_INBOUND_SMTP_PORT === 0 || c.EMAIL_BOUNCE_ADDRESS !== '', {
    path: ['EMAIL_INBOUND_SMTP_PORT'],
    message: 'needs EMAIL_BOUNCE_ADDRESS (the address the listener takes reports for)',
  })
  .refine(
    (c) =>
      !c.EMAIL_UNSUBSCRIBE_MAILBOX ||
      !c.EMAIL_BOUNCE_ADDRESS ||
      (!isUnsubscribeMailbox(c.EMAIL_BOUNCE_ADDRESS, c.EMAIL_UNSUBSCRIBE_MAILBOX) &&
        !isUnsubscribeMailbox(c.EMAIL_UNSUBSCRIBE_MAILBOX, c.EMAIL_BOUNCE_ADDRESS)),
    {
      path: ['EMAIL_UNSUBSCRIBE_MAILBOX'],
      // a returned message quotes its List-Unsubscribe: a bounce must never read as a request
      message: 'must be another mailbox than EMAIL_BOUNCE_ADDRESS and its +forms',
    },
  )
  .transform((c, ctx) => ({ ...c, EMAIL_DKIM_PRIVATE_KEY: dkimKey(c, ctx) }));
export type EmailConfig = z.output<typeof EmailConfig>;

/** The DKIM key of the configuration (from the variable or its file), checked; '' when signing is off. */
function dkimKey(
  c: Record<
    'EMAIL_DKIM_DOMAIN' | 'EMAIL_DKIM_SELECTOR' | 'EMAIL_DKIM_PRIVATE_KEY' | 'EMAIL_DKIM_PRIVATE_KEY_FILE',
    string
  >,
  ctx: z.RefinementCtx,
): string {
  const problem = (name: string, message: string) => {
    ctx.addIssue({ code: 'custom', path: [name], message });
    return '';
  };
  if (c.EMAIL_DKIM_PRIVATE_KEY && c.EMAIL_DKIM_PRIVATE_KEY_FILE) {
    return problem('EMAIL_DKIM_PRIVATE_KEY_FILE', 'set EMAIL_DKIM_PRIVATE_KEY or its _FILE variant, not both');
  }
  const keyName = c.EMAIL_DKIM_PRIVATE_KEY_FILE ? 'EMAIL_DKIM_PRIVATE_KEY_FILE' : 'EMAIL_DKIM_PRIVATE_KEY';
  const given = {
    EMAIL_DKIM_DOMAIN: c.EMAIL_DKIM_DOMAIN !== '',
    EMAIL_DKIM_SELECTOR: c.EMAIL_DKIM_SELECTOR !== '',
    [keyName]: (c.EMAIL_DKIM_PRIVATE_KEY || c.EMAIL_DKIM_PRIVATE_KEY_FILE) !== '',
  };
  const missing = Object.keys(given).filter((name) => !given[name]);
  if (missing.length === 3) return '';
  if (missing.length > 0) {
    for (const name of missing) problem(name, 'DKIM signing needs EMAIL_DKIM_DOMAIN, EMAIL_DKIM_SELECTOR and a key');
    return '';
  }
  let pem = c.EMAIL_DKIM_PRIVATE_KEY;
  if (c.EMAIL_DKIM_PRIVATE_KEY_FILE) {
    try {
      pem = readFileSync(c.EMAIL_DKIM_PRIVATE_KEY_FILE, 'utf8');
    } catch (error) {
      return problem(
        keyName,
        `cannot read ${c.EMAIL_DKIM_PRIVATE_KEY_FILE}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`,
      );
    }
  }
  // The parser's message could quote the key; name the variable only.
  try {
    const key = createPrivateKey({ key: pem, format: 'pem' });
    // nodemailer signs rsa-sha256 only (the algorithm every verifier supports)
    if (key.asymmetricKeyType !== 'rsa') {
      return problem(keyName, `must be an RSA key, not ${key.asymmetricKeyType ?? 'unknown'}`);
    }
  } catch {
    return problem(keyName, 'is not a PEM private key');
  }
  return pem;
}

/** Injection token for the parsed configuration. */
export const EMAIL_CONFIG = Symbol('EMAIL_CONFIG');
