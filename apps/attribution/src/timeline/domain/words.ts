import type { IncentiveKind } from '@reclaim/contracts';
import { DAY_MS, HOUR_MS, MINUTE_MS } from '@reclaim/core';

/**
 * The small vocabulary of a cart's timeline: money, durations, clock times and the reason codes
 * the services put on deliveries, in words a support agent reads at a glance. Pure functions.
 */

const moneyFormats = new Map<string, Intl.NumberFormat>();

/** Minor units in the currency's own format (`€80.00`, `¥8,000`): Intl knows each currency's fraction digits. */
export function moneyText(minor: number, currency: string): string {
  let format = moneyFormats.get(currency);
  if (!format) {
    format = new Intl.NumberFormat('en-GB', { style: 'currency', currency });
    moneyFormats.set(currency, format);
  }
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(minor / 10 ** digits);
}

/** A business duration, rounded to what a person would say: `40 s`, `15 min`, `1 h 30 min`, `3 d 4 h`. */
export function durationWords(ms: number): string {
  const abs = Math.max(0, ms);
  if (abs < MINUTE_MS) return `${Math.round(abs / 1000)} s`;
  if (abs < HOUR_MS) return `${Math.round(abs / MINUTE_MS)} min`;
  if (abs < 2 * DAY_MS) {
    const minutes = Math.round(abs / MINUTE_MS);
    const h = Math.floor(minutes / 60);
    const m = minutes % 60;
    return m === 0 ? `${h} h` : `${h} h ${m} min`;
  }
  const hours = Math.round(abs / HOUR_MS);
  const d = Math.floor(hours / 24);
  const h = hours % 24;
  return h === 0 ? `${d} d` : `${d} d ${h} h`;
}

/** A plan's offset after abandonment (business time), compact: `+0`, `+30min`, `+1h`, `+24h`, `+1h30min`. */
export function offsetWords(ms: number): string {
  const minutes = Math.round(ms / MINUTE_MS);
  if (minutes === 0) return '+0';
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (h === 0) return `+${m}min`;
  return m === 0 ? `+${h}h` : `+${h}h${m}min`;
}

/** True for a zone this runtime can format in (an IANA name such as `Europe/Berlin`). */
export function isKnownZone(zone: string | undefined): zone is string {
  if (!zone) return false;
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The wall clock at `at` in `zone` (24 h): `08:00`, or `14:02:11` with seconds. */
export function clockTime(at: Date, zone: string, withSeconds = false): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone: zone,
    hourCycle: 'h23',
    hour: '2-digit',
    minute: '2-digit',
    ...(withSeconds && { second: '2-digit' }),
  }).format(at);
}

/** A UTC clock time with its label: `14:02:11 UTC`. */
export function utcTime(at: Date, withSeconds = false): string {
  return `${clockTime(at, 'UTC', withSeconds)} UTC`;
}

/** A UTC date and time with its label: `2026-01-15 14:02 UTC` (or `14:02:11 UTC` with seconds). */
export function utcDateTime(at: Date, withSeconds = false): string {
  return `${at.toISOString().slice(0, 10)} ${utcTime(at, withSeconds)}`;
}

/** `email 2`, or just `email` when the sequence is not known. */
export function touchLabel(channel: string, sequence: number | undefined): string {
  return sequence === undefined ? channel : `${channel} ${sequence}`;
}

/** Scheduler policies (apps/scheduler/src/touches/domain/policies). */
const POLICY_WORDS: Readonly<Record<string, string>> = {
  quiet_hours: 'quiet hours',
  min_gap: 'minimum gap between messages',
  daily_cap: 'daily message cap',
  channel_cap: 'per-cart limit for the channel reached',
};

/** Suppression reasons (libs/contracts/src/payloads.ts SuppressionReasons). */
const SUPPRESSION_WORDS: Readonly<Record<string, string>> = {
  order_completed: 'order completed',
  unsubscribed: 'unsubscribed',
  sms_stop: 'replied STOP to an SMS',
  hard_bounce: 'address bounced',
  complaint: 'marked as spam',
  consent_withdrawn: 'consent withdrawn',
};

/**
 * The reason codes the scheduler and the channels put on deliveries (scheduler touch-plan.ts and
 * touch-scheduler.service.ts; the email, sms and push delivery services; libs/delivery's attempts).
 */
const REASON_WORDS: Readonly<Record<string, string>> = {
  ...POLICY_WORDS,
  ...SUPPRESSION_WORDS,
  no_consent: 'no consent',
  no_address: 'no address to send to',
  already_sent_for_cart: 'already sent for this cart before the shopper came back',
  superseded_by_newer_abandonment: 'replaced by a newer abandonment of the cart',
  superseded_by_newer_cart: "the shopper's newer cart took over",
  paused_shopper_returned: 'the shopper came back',
  channel_not_configured: 'channel not configured',
  no_email_address: 'no email address',
  no_phone_number: 'no phone number',
  no_push_subscription: 'no push subscription',
  message_too_long: 'message too long',
  nothing_in_stock: 'nothing in the cart is in stock',
  subscription_invalid: 'push subscription no longer valid',
  expired: 'too late to send',
  retries_exhausted: 'gave up after retries',
  interrupted_while_sending: 'interrupted while sending, outcome unknown',
  network_error: 'network error',
  push_unreachable: 'push service unreachable',
};

/** Codes with a detail after a colon (`suppressed:unsubscribed`, `unknown_template:winback`). */
const PREFIX_WORDS: Readonly<Record<string, (rest: string) => string>> = {
  suppressed: (rest) => reasonWords(rest),
  stale_after_deferral: (rest) => `too late after deferral (${reasonWords(rest)})`,
  unknown_template: (rest) => `unknown template ${rest}`,
  transport_not_configured: (rest) => `push transport ${rest} not configured`,
  push_endpoint_refused: (rest) => `push endpoint refused (${rest})`,
};

/** A reason code in words; a code this build does not know is shown as it is. */
export function reasonWords(code: string): string {
  if (Object.hasOwn(REASON_WORDS, code)) return REASON_WORDS[code] as string;
  const colon = code.indexOf(':');
  if (colon > 0) {
    const prefix = code.slice(0, colon);
    if (Object.hasOwn(PREFIX_WORDS, prefix))
      return (PREFIX_WORDS[prefix] as (rest: string) => string)(code.slice(colon + 1));
  }
  return code;
}

const INCENTIVE_WORDS: Record<IncentiveKind, string> = { percent_10: '10 % off', free_shipping: 'free shipping' };

/** What an incentive gives, in words (a kind this build does not know, as it is). */
export function incentiveWords(kind: string): string {
  return Object.hasOwn(INCENTIVE_WORDS, kind) ? INCENTIVE_WORDS[kind as IncentiveKind] : kind;
}

/** Checkout error codes (libs/contracts/src/storefront-event.ts CheckoutErrorCodes) in words. */
export function checkoutErrorWords(code: string): string {
  return code.replace(/_/g, ' ');
}
