import { z } from 'zod';
import { envInt } from '@reclaim/core';
import { baseConfigShape, envApiKeys, envDuration, envPort, envSigningKeys } from '@reclaim/platform';
import { StoreSettingsFile } from './settings/store-settings';

export const AttributionConfig = z.object({
  ...baseConfigShape,
  ATTRIBUTION_PORT: envPort(3006),
  /**
   * An order within this long after an abandonment recovers it: an order for the cart, or by the same
   * shopper (customer id, else e-mail) for a cart abandoned before it. Business time, scaled by RECOVERY_TIME_SCALE.
   */
  ATTRIBUTION_WINDOW: envDuration('7d'),
  /** A recovery is credited to the last touch clicked within this long before the order (business time). */
  ATTRIBUTION_CLICK_WINDOW: envDuration('7d'),
  /** Without a click: to the last touch delivered within this long before the order (business time). */
  ATTRIBUTION_VIEW_WINDOW: envDuration('1d'),
  /**
   * Per-store overrides, JSON: `{"<storeId>": {"attributionWindow": "7d", "clickWindow": "7d", "viewWindow": "1d",
   * "costs": {"currency": "EUR", "email": 0.1, "smsSegment": 7, "push": 0}}}` (costs in minor units per
   * message, per SMS segment; unset: 0). See apps/attribution/README.md.
   */
  ATTRIBUTION_STORES: z
    .string()
    .default('{}')
    .transform((text, ctx) => {
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: `is not JSON: ${(error as Error).message}` });
        return z.NEVER;
      }
      const parsed = StoreSettingsFile.safeParse(json);
      if (!parsed.success) {
        ctx.addIssue({ code: 'custom', message: z.prettifyError(parsed.error).replace(/\n/g, '; ') });
        return z.NEVER;
      }
      return parsed.data;
    }),
  /**
   * An order's recovery is decided once the service has read everything published before the order
   * (abandonments, deliveries, codes), and at least this long (real milliseconds) after it was read:
   * a margin for a click recorded a moment before the order on another ingestion instance.
   */
  ATTRIBUTION_SETTLE_MS: envInt(1_000, { min: 0, max: 600_000 }),
  /** The stores' ingestion keys (`storeId:key,…`, as ingestion's; empty: none): each also reads its own store's reports. */
  INGESTION_API_KEYS: envApiKeys({ optional: true }),
  /** Read-only reports keys, `storeId:key,…` (empty: none): read the store's reports and dashboard; cannot post events. */
  REPORTS_API_KEYS: envApiKeys({ optional: true }),
  /**
   * Signs dashboard sessions (cookie) and dashboard links. One secret or a key ring `k2:<new>,k1:<old>`.
   * Production refuses the default and secrets under 32 bytes. Never logged.
   */
  DASHBOARD_SECRET: envSigningKeys('dev-only-dashboard-secret'),
  /** How long a dashboard sign-in (session cookie) lasts (real time). */
  DASHBOARD_SESSION_TTL: envDuration('12h'),
});
export type AttributionConfig = z.output<typeof AttributionConfig>;
export const ATTRIBUTION_CONFIG = Symbol('ATTRIBUTION_CONFIG');
