import { z } from 'zod';
import { envInt, parseDuration } from '@reclaim/core';
import { baseConfigShape, envPort } from '@reclaim/platform';

export const DEV_RESUME_LINK_SECRET = 'dev-only-change-me';

const duration = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .refine((s) => {
      try {
        return parseDuration(s) > 0;
      } catch {
        return false;
      }
    }, 'must be a duration such as 7d, 48h, 30m')
    .transform((s) => parseDuration(s));

const baseUrl = (fallback: string) =>
  z
    .url()
    .default(fallback)
    .transform((s) => s.replace(/\/+$/, ''));

export const EmailConfig = z.object({
  ...baseConfigShape,
  NODE_ENV: z.string().default('development'),
  EMAIL_PORT: envPort(3003),
  SMTP_URL: z
    .string()
    .default('smtp://127.0.0.1:1025')
    .refine((s) => /^smtps?:\/\//.test(s), 'must be an smtp:// or smtps:// URL'),
  SMTP_TIMEOUT_MS: envInt(15_000, { min: 100 }),
  EMAIL_FROM: z.string().min(3).default('Reclaim Demo Store <shop@reclaim.local>'),
  PUBLIC_BASE_URL: baseUrl('http://localhost:3000'),
  EMAIL_PUBLIC_URL: baseUrl('http://localhost:3003'),
  STORE_CART_URL_TEMPLATE: z
    .string()
    .default('https://shop.example/cart/{cartId}')
    .refine((s) => /^https?:\/\//.test(s), 'must be an http(s) URL template with {cartId}'),
  STORE_POSTAL_ADDRESS: z
    .string()
    .min(1)
    .default('Reclaim Demo Store · 1 Example Street · 00000 Sample City · Country'),
  /** Signs resume links and unsubscribe tokens. Secret: never logged. */
  RESUME_LINK_SECRET: z.string().min(8).default(DEV_RESUME_LINK_SECRET),
  RESUME_LINK_TTL: duration('7d'),
  SUPPRESSION_BARRIER_TIMEOUT_MS: envInt(10_000, { min: 100 }),
  /**
   * Test-only crash point: `after_smtp_accept` kills the process right after SMTP accepted a
   * message and before the ledger records it, so tests can prove the never-resend policy.
   */
  EMAIL_TEST_CRASH_POINT: z.enum(['', 'after_smtp_accept']).default(''),
});
export type EmailConfig = z.output<typeof EmailConfig>;

/** Injection token for the parsed configuration. */
export const EMAIL_CONFIG = Symbol('EMAIL_CONFIG');
