import { z } from 'zod';
import { CurrencyCode } from '@reclaim/contracts';
import { parseDuration } from '@reclaim/core';

const Duration = z.string().refine((s) => {
  try {
    return parseDuration(s) > 0;
  } catch {
    return false;
  }
}, 'must be a duration such as 7d, 36h or 90m');

/**
 * What one message costs the store, in minor units of `currency` (fractions allowed: an email at
 * 0.1 cent is `0.1`). Unset prices are 0: a store that enters none sees revenue without costs.
 */
export const MessageCosts = z
  .object({
    currency: CurrencyCode.default('EUR'),
    /** Per email handed to the provider. */
    email: z.number().min(0).default(0),
    /** Per SMS segment the provider bills (a long message is several). */
    smsSegment: z.number().min(0).default(0),
    /** Per push message (web push is usually free; FCM too). */
    push: z.number().min(0).default(0),
  })
  .strict();
export type MessageCosts = z.output<typeof MessageCosts>;

/** One store's overrides in ATTRIBUTION_STORES; every field optional (the service-wide defaults apply). */
export const StoreSettingsInput = z
  .object({
    attributionWindow: Duration.optional(),
    clickWindow: Duration.optional(),
    viewWindow: Duration.optional(),
    costs: MessageCosts.optional(),
  })
  .strict();

export const StoreSettingsFile = z.record(z.string().min(1), StoreSettingsInput);

/** A store's attribution settings, resolved (business durations in ms, before RECOVERY_TIME_SCALE). */
export interface StoreSettings {
  attributionWindowMs: number;
  clickWindowMs: number;
  viewWindowMs: number;
  costs: MessageCosts;
}

/** The service-wide defaults (parsed durations, ms). */
export interface SettingsDefaults {
  ATTRIBUTION_WINDOW: number;
  ATTRIBUTION_CLICK_WINDOW: number;
  ATTRIBUTION_VIEW_WINDOW: number;
}

/** Resolves each store's settings from the service defaults and ATTRIBUTION_STORES. */
export class StoreSettingsBook {
  private readonly byStore = new Map<string, StoreSettings>();
  private readonly defaults: StoreSettings;

  constructor(defaults: SettingsDefaults, stores: z.output<typeof StoreSettingsFile>) {
    this.defaults = {
      attributionWindowMs: defaults.ATTRIBUTION_WINDOW,
      clickWindowMs: defaults.ATTRIBUTION_CLICK_WINDOW,
      viewWindowMs: defaults.ATTRIBUTION_VIEW_WINDOW,
      costs: MessageCosts.parse({}),
    };
    for (const [storeId, s] of Object.entries(stores)) {
      this.byStore.set(storeId, {
        attributionWindowMs: s.attributionWindow
          ? parseDuration(s.attributionWindow)
          : this.defaults.attributionWindowMs,
        clickWindowMs: s.clickWindow ? parseDuration(s.clickWindow) : this.defaults.clickWindowMs,
        viewWindowMs: s.viewWindow ? parseDuration(s.viewWindow) : this.defaults.viewWindowMs,
        costs: s.costs ?? this.defaults.costs,
      });
    }
  }

  forStore(storeId: string): StoreSettings {
    return this.byStore.get(storeId) ?? this.defaults;
  }
}
