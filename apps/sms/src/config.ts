import { z } from 'zod';
import { envInt } from '@reclaim/core';
import { envQuietHours, touchAttemptConfigShape } from '@reclaim/delivery';
import { baseConfigShape, envSigningKeys, envBaseUrl, envDuration, envPort } from '@reclaim/platform';
import { parseSmsStores } from './provider/domain/senders';

export const SmsConfig = z.object({
  ...baseConfigShape,
  SMS_PORT: envPort(3004),
  /** Base URL of the SMS provider's REST API (Twilio-compatible: `{base}/2010-04-01/Accounts/{sid}/Messages.json`). */
  SMS_PROVIDER_BASE_URL: envBaseUrl('https://api.twilio.com'),
  /** Provider account SID (HTTP Basic user). Empty: the channel is not configured and every touch is skipped `channel_not_configured`. */
  SMS_ACCOUNT_SID: z.string().default(''),
  /** Provider auth token: HTTP Basic password and the key of `X-Twilio-Signature` on webhooks. Secret: never logged. Empty: not configured. */
  SMS_AUTH_TOKEN: z.string().default(''),
  /**
   * Senders per store, JSON: `{"<storeId>": {"name": "Shop name", "from": "+15005550006"}}` (or
   * `"messagingServiceSid": "MG…"` instead of `from`). A sender serves one store, so an inbound
   * STOP is mapped to the store by the number it was sent to. A store without a sender: `channel_not_configured`.
   */
  SMS_STORES: z
    .string()
    .default('{}')
    .transform((s, ctx) => {
      const parsed = parseSmsStores(s);
      if (typeof parsed === 'string') {
        ctx.addIssue({ code: 'custom', message: parsed });
        return z.NEVER;
      }
      return parsed;
    }),
  /**
   * Public base URL of the sms service as the provider reaches it: status callbacks are requested at
   * `{url}/sms/status`, and webhook signatures are checked over `{url}/sms/…`. Empty: no status
   * callbacks, and the webhooks answer 503.
   */
  SMS_PUBLIC_URL: z
    .union([z.literal(''), z.url()])
    .default('')
    .transform((s) => s.replace(/\/+$/, '')),
  /**
   * A message longer than this many segments is shortened (product title truncated); one that still
   * does not fit is not sent (`failed`, `message_too_long`). The sealed resume link is ~165 characters.
   */
  SMS_MAX_SEGMENTS: envInt(3, { min: 1, max: 10 }),
  /** Connect timeout for the provider, and how long to wait for its answer once a request is written (then: `unknown`). */
  SMS_PROVIDER_TIMEOUT_MS: envInt(10_000, { min: 100 }),
  /**
   * A request is written to the provider only within this many ms of the suppression barrier that
   * cleared it, measured from the watermark read to the write on a connection already up; a slower
   * path re-checks. Must stay well below ingestion's INGESTION_ORDER_ACK_GUARD_MS (ADR 0005).
   */
  SMS_SEND_FRESHNESS_MS: envInt(60, { min: 1, max: 1_000 }),
  /**
   * Carts whose touches are handed over side by side within each partition of the touch topic the
   * instance works (3 at a time): up to 3 × this many hand-offs in flight. 1 = one touch at a time
   * per partition.
   */
  SMS_CONCURRENCY: envInt(4, { min: 1, max: 64 }),
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
  /** How long a send waits for the suppression view to catch up before the touch is retried. */
  SUPPRESSION_BARRIER_TIMEOUT_MS: envInt(10_000, { min: 100 }),
  ...touchAttemptConfigShape,
  /** SMS quiet hours on the recipient's local clock (`HH:MM-HH:MM` or `off`), checked again at send time: a touch inside is retried from the send ledger at the window's end, or skipped `stale_after_deferral:quiet_hours` past its deadline. Keep it equal to SCHEDULER_QUIET_HOURS_SMS. */
  SMS_QUIET_HOURS: envQuietHours('21:00-08:00'),
});
export type SmsConfig = z.output<typeof SmsConfig>;

/** Injection token for the parsed configuration. */
export const SMS_CONFIG = Symbol('SMS_CONFIG');

/** Keys whose values never reach a log line. */
export const SMS_SECRET_KEYS = ['SMS_AUTH_TOKEN', 'RESUME_LINK_SECRET'] as const;
