import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { envInt } from '@reclaim/core';
import { envQuietHours, touchAttemptConfigShape } from '@reclaim/delivery';
import { baseConfigShape, envSigningKeys, envBaseUrl, envDuration, envPort } from '@reclaim/platform';
import { checkVapidKeys, parseServiceAccount, type FcmServiceAccount } from './delivery/domain/push-credentials';

/** A file read once at start-up; a missing or unreadable file fails the config, by name. */
const fileText = (s: string, ctx: z.RefinementCtx): string | undefined => {
  if (s === '') return undefined;
  try {
    return readFileSync(s, 'utf8');
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: `cannot read ${s}: ${(error as Error).message}` });
    return z.NEVER;
  }
};

export const PushConfig = z
  .object({
    ...baseConfigShape,
    PUSH_PORT: envPort(3005),
    /** How long a send waits for the suppression view to catch up before the touch is retried. */
    SUPPRESSION_BARRIER_TIMEOUT_MS: envInt(10_000, { min: 100 }),
    ...touchAttemptConfigShape,
    /** Push quiet hours on the recipient's local clock (`HH:MM-HH:MM` or `off`), checked again at send time: a touch inside is retried from the send ledger at the window's end, or skipped `stale_after_deferral:quiet_hours` past its deadline. Keep it equal to SCHEDULER_QUIET_HOURS_PUSH. */
    PUSH_QUIET_HOURS: envQuietHours('off'),
    /** Public base URL of ingestion, which serves resume links at `/r/:token` (https in production). */
    PUBLIC_BASE_URL: envBaseUrl('http://localhost:3000'),
    /** Where a resume link lands: the store's cart page, with `{cartId}` (and `{storeId}`) filled in. */
    STORE_CART_URL_TEMPLATE: z
      .string()
      .default('https://shop.example/cart/{cartId}')
      .refine((s) => /^https?:\/\//.test(s), 'must be an http(s) URL template with {cartId}'),
    /**
     * Seals resume links and unsubscribe tokens (AES-256-GCM, keys derived per purpose), signs bounce addresses; ingestion opens what the channels seal.
     * One secret, or a key ring `k2:<new>,k1:<old>`: the first seals and signs, every one opens, so a rotation
     * breaks no link already sent. Production refuses the default and secrets under 32 bytes. Never logged.
     */
    RESUME_LINK_SECRET: envSigningKeys('dev-only-change-me'),
    /** How long resume links work (real time, not scaled). */
    RESUME_LINK_TTL: envDuration('7d'),
    /**
     * VAPID public key for web push (base64url, uncompressed P-256 point). Empty (with the private
     * key and subject) turns web push off. Generate a pair with `npx web-push generate-vapid-keys`.
     */
    VAPID_PUBLIC_KEY: z.string().default(''),
    /** VAPID private key (base64url, 32 bytes), the pair of VAPID_PUBLIC_KEY. Secret: never logged. */
    VAPID_PRIVATE_KEY: z.string().default(''),
    /** VAPID subject push services may contact about our traffic: a `mailto:` or `https:` URL. */
    VAPID_SUBJECT: z.string().default(''),
    /**
     * How long a push service keeps an undelivered card (web push TTL, FCM android ttl and APNs
     * expiration; real time, not scaled). web-push's own default is four weeks: far too long for a reminder.
     */
    PUSH_TTL: envDuration('4h').refine((ms) => ms >= 60_000 && ms <= 28 * 86_400_000, 'must be between 1m and 28d'),
    /**
     * Connect and TLS handshake timeout towards a push service, FCM or the token endpoint, and how
     * long a written request waits for its answer (after which its fate is `unknown`, never resent).
     */
    PUSH_REQUEST_TIMEOUT_MS: envInt(10_000, { min: 100 }),
    /**
     * A card is written to the push service only within this many ms of the suppression barrier
     * that cleared it, on a connection already up (connect and TLS come before the check); a
     * slower path re-checks. Must stay well below ingestion's INGESTION_ORDER_ACK_GUARD_MS (ADR 0005).
     */
    PUSH_SEND_FRESHNESS_MS: envInt(60, { min: 1, max: 1_000 }),
    /**
     * Carts whose touches are handed over side by side within each partition of the touch topic the
     * instance works (3 at a time): up to 3 × this many hand-offs in flight. 1 = one touch at a time
     * per partition.
     */
    PUSH_CONCURRENCY: envInt(4, { min: 1, max: 64 }),
    /**
     * Web push services shoppers' endpoints may point at, comma-separated: `host` allows it and its
     * subdomains, `*.host` only subdomains (e.g. `fcm.googleapis.com,updates.push.services.mozilla.com,
     * *.notify.windows.com,web.push.apple.com`). Empty: any public host on port 443. Whatever the
     * list, endpoints must be https on 443, not IP literals nor internal names, and must resolve
     * to public addresses only.
     */
    PUSH_ENDPOINT_ALLOWED_HOSTS: z
      .string()
      .default('')
      .transform((s) =>
        s
          .split(',')
          .map((h) => h.trim().toLowerCase())
          .filter((h) => h !== ''),
      )
      .refine(
        (hosts) => hosts.every((h) => /^(\*\.)?([a-z0-9-]+\.)+[a-z0-9-]+$/.test(h)),
        'must be comma-separated host names, each optionally starting with *.',
      ),
    /**
     * PEM file of extra certificate authorities trusted (besides the system roots) for push
     * services, FCM and the OAuth2 token endpoint only; empty: system roots only. Tests trust their local CA with it.
     */
    PUSH_EXTRA_CA_FILE: z.string().default('').transform(fileText),
    /**
     * Firebase service-account JSON file (project_id, client_email, private_key, token_uri) for
     * FCM HTTP v1. Empty turns FCM off. Secret file: its key is never logged.
     */
    FCM_SERVICE_ACCOUNT_FILE: z.string().default(''),
    /** Base URL of the FCM HTTP v1 API (`/v1/projects/{project}/messages:send` is appended). */
    FCM_API_BASE_URL: envBaseUrl('https://fcm.googleapis.com'),
    /** OAuth2 token endpoint for the service account; empty: the file's `token_uri`. */
    FCM_TOKEN_URL: z.union([z.literal(''), z.url()]).default(''),
  })
  .transform((c, ctx) => {
    const vapidProblem = checkVapidKeys(c.VAPID_PUBLIC_KEY, c.VAPID_PRIVATE_KEY, c.VAPID_SUBJECT);
    if (vapidProblem) ctx.addIssue({ code: 'custom', path: [vapidProblem.field], message: vapidProblem.message });
    let fcm: FcmServiceAccount | undefined;
    if (c.FCM_SERVICE_ACCOUNT_FILE !== '') {
      const text = fileText(c.FCM_SERVICE_ACCOUNT_FILE, ctx);
      const parsed = text === undefined ? undefined : parseServiceAccount(text, c.FCM_TOKEN_URL || undefined);
      if (typeof parsed === 'string')
        ctx.addIssue({ code: 'custom', path: ['FCM_SERVICE_ACCOUNT_FILE'], message: parsed });
      else fcm = parsed;
    }
    const webPush =
      c.VAPID_PUBLIC_KEY === ''
        ? undefined
        : { publicKey: c.VAPID_PUBLIC_KEY, privateKey: c.VAPID_PRIVATE_KEY, subject: c.VAPID_SUBJECT };
    return { ...c, webPush, fcm };
  });
export type PushConfig = z.output<typeof PushConfig>;

/** Injection token for the parsed configuration. */
export const PUSH_CONFIG = Symbol('PUSH_CONFIG');
