import type { Channel } from '@reclaim/contracts';
import { checkCaps, type CapSettings, type RecentSend } from './caps';
import { nextAllowedSend, staleAfterDeferral, type QuietWindow } from '@reclaim/delivery';

export type DeferReason = 'quiet_hours' | 'min_gap' | 'daily_cap';

export interface PolicySettings {
  caps: CapSettings;
  /** Quiet hours per channel on the recipient's local clock; a channel without one has none. */
  quietHours: Partial<Record<Channel, QuietWindow>>;
  /** A touch later than its original due time plus this (scaled) is stale and skipped. */
  maxDeferralMs: number;
}

export interface TouchUnderPolicy {
  channel: Channel;
  cartId: string;
  /** When the plan wanted it out, before any deferral: staleness is measured from here. */
  originalDueAt: Date;
  /** The recipient's zone (resolveZone); undefined → the most restrictive reading. */
  zone: string | undefined;
}

export type PolicyDecision =
  | { kind: 'send' }
  | { kind: 'defer'; until: Date; reason: DeferReason; reasons: DeferReason[] }
  | { kind: 'skip'; reason: string };

/** Quiet hours and caps can push each other (a gap ending at night): bounded, it never loops forever. */
export const MAX_POLICY_ROUNDS = 8;

/**
 * What to do with a touch that is due at `now`: send it, move it to the next moment every policy
 * allows (never drop it for being early), or skip it when that moment is past its original due
 * time plus the staleness limit (`stale_after_deferral:<first reason>`), or when waiting cannot
 * help (`channel_cap`). The reason of a deferral is the first policy that held the touch back.
 */
export function decide(
  touch: TouchUnderPolicy,
  now: Date,
  sends: ReadonlyArray<RecentSend>,
  settings: PolicySettings,
): PolicyDecision {
  const reasons: DeferReason[] = [];
  const window = settings.quietHours[touch.channel];
  let at = now;
  let stable = false;
  for (let round = 0; round < MAX_POLICY_ROUNDS && !stable; round += 1) {
    stable = true;
    const allowed = nextAllowedSend(at, touch.zone, window);
    if (allowed.getTime() > at.getTime()) {
      reasons.push('quiet_hours');
      at = allowed;
      stable = false;
    }
    const caps = checkCaps({ at, channel: touch.channel, cartId: touch.cartId }, sends, settings.caps);
    if (caps.kind === 'exhausted') return { kind: 'skip', reason: caps.reason };
    if (caps.kind === 'defer') {
      reasons.push(caps.reason);
      at = caps.deferUntil;
      stable = false;
    }
  }
  const [first] = reasons;
  if (first === undefined) return { kind: 'send' };
  if (staleAfterDeferral(at, touch.originalDueAt, settings.maxDeferralMs)) {
    return { kind: 'skip', reason: `stale_after_deferral:${first}` };
  }
  // Not stable after MAX_POLICY_ROUNDS: defer to where we got; it is judged again when due.
  return { kind: 'defer', until: at, reason: first, reasons: [...new Set(reasons)] };
}

const DEFER_WORDS: Readonly<Record<DeferReason, string>> = {
  quiet_hours: 'quiet hours',
  min_gap: 'minimum gap between messages',
  daily_cap: 'daily message cap',
};

/**
 * Why a touch went out later than planned, in words for the touch's `deferred.reason`: the policy,
 * and for quiet hours the zone whose clock they were read on (`quiet hours, Europe/Berlin`), or
 * that no zone was known and the most restrictive reading applied.
 */
export function deferralInWords(reason: DeferReason, zone: string | undefined): string {
  if (reason !== 'quiet_hours') return DEFER_WORDS[reason];
  return `${DEFER_WORDS.quiet_hours}, ${zone ?? 'zone unknown (most restrictive)'}`;
}

/** A stored deferral reason, or undefined for a touch never deferred (or a reason this build does not know). */
export function asDeferReason(value: string | null): DeferReason | undefined {
  return value !== null && Object.hasOwn(DEFER_WORDS, value) ? (value as DeferReason) : undefined;
}
