import type { IncentiveKind, PlannedTouch, RecoveryAngle } from '@reclaim/contracts';
import { derivedId, stableBucket } from '@reclaim/core';
import type { AngleRule, SegmentRule, SignalMatch, StoreRecoveryConfig, TouchConfig } from './recovery-config';
import type { Signals } from './signals';

/** True when every condition given in `when` holds for these signals. */
export function matches(when: SignalMatch, s: Signals): boolean {
  if (when.stage && !when.stage.includes(s.stage)) return false;
  if (when.checkoutError) {
    const code = s.checkoutError;
    const ok = when.checkoutError.some((c) =>
      c === 'any' ? code !== null : c === 'none' ? code === null : c === code,
    );
    if (!ok) return false;
  }
  if (when.shippingEstimateViewed !== undefined && when.shippingEstimateViewed !== s.shippingEstimateViewed)
    return false;
  if (when.discountCodeUsed !== undefined && when.discountCodeUsed !== s.discountCodeUsed) return false;
  if (when.device && !when.device.includes(s.device ?? 'unknown')) return false;
  if (when.country && (s.country === null || !when.country.includes(s.country))) return false;
  if (when.buyer && !when.buyer.includes(s.buyer)) return false;
  if (when.valueTier && !when.valueTier.includes(s.valueTier)) return false;
  if (when.reachable && !when.reachable.every((channel) => s.channels[channel].reachable)) return false;
  return true;
}

/** The first segment rule that matches; the config guarantees the last one matches every cart. */
export function selectSegment(segments: ReadonlyArray<SegmentRule>, s: Signals): SegmentRule {
  const found = segments.find((rule) => matches(rule.when, s)) ?? segments.at(-1);
  if (!found) throw new Error('recovery config has no segments');
  return found;
}

/** The first angle rule that matches, or none. */
export function selectAngle(angles: ReadonlyArray<AngleRule>, s: Signals): RecoveryAngle | undefined {
  return angles.find((rule) => matches(rule.when, s))?.angle;
}

/** What the incentive policy needs to know about the shopper beyond the signals. */
export interface IncentiveHistory {
  /** When this shopper (customer id or email) last had an incentive planned, if ever. */
  lastIncentiveAt: Date | undefined;
}

export type IncentiveDecision =
  | { incentive: 'none'; reason: 'not_offered' | 'too_early' | 'not_first_time' | 'cooldown' | 'no_identity' }
  | { incentive: IncentiveKind };

/**
 * Margin protection: an incentive only on a late touch (per channel, `fromTouch`), only for
 * first-time buyers (when so configured), never for a shopper who got one within the cooldown,
 * and never for a shopper we cannot recognise next time (no customer id and no email).
 */
export function decideIncentive(
  touch: Pick<TouchConfig, 'incentive'>,
  channelTouch: number,
  s: Signals,
  policy: StoreRecoveryConfig['incentives'],
  history: IncentiveHistory & { hasIdentity: boolean; abandonedAt: Date; rotationKey: string },
): IncentiveDecision {
  if (touch.incentive === 'none') return { incentive: 'none', reason: 'not_offered' };
  if (channelTouch < policy.fromTouch) return { incentive: 'none', reason: 'too_early' };
  if (policy.firstTimeBuyersOnly && s.buyer !== 'first_time') return { incentive: 'none', reason: 'not_first_time' };
  if (!history.hasIdentity) return { incentive: 'none', reason: 'no_identity' };
  const last = history.lastIncentiveAt;
  if (last && history.abandonedAt.getTime() - last.getTime() < policy.cooldown) {
    return { incentive: 'none', reason: 'cooldown' };
  }
  if (touch.incentive !== 'rotate') return { incentive: touch.incentive };
  const kinds = policy.rotation;
  const kind = kinds[stableBucket('incentive-rotation', history.rotationKey) % kinds.length] ?? kinds[0];
  return kind ? { incentive: kind } : { incentive: 'none', reason: 'not_offered' };
}

export interface PlanInput {
  abandonmentId: string;
  abandonedAt: Date;
  signals: Signals;
  config: StoreRecoveryConfig;
  history: IncentiveHistory;
  /** A customer id or email to remember an incentive by. */
  hasIdentity: boolean;
}

export interface SelectedPlan {
  segment: string;
  planName: string;
  touches: PlannedTouch[];
}

function includeTouch(touch: TouchConfig, s: Signals): boolean {
  const onlyIfReachable = touch.onlyIfReachable ?? touch.channel !== 'email';
  return !onlyIfReachable || s.channels[touch.channel].reachable;
}

/**
 * Signals → segment → plan. The segment's plan is the only sequence this cart gets (a cart that
 * reached checkout matches a checkout segment first, so it never also gets the cart plan).
 * Touches are ordered by offset and numbered 1..n; sms/push touches are left out when the
 * shopper cannot be reached there. Email touches stay, so the scheduler reports their skip.
 */
export function selectPlan(input: PlanInput): SelectedPlan {
  const { config, signals } = input;
  const segment = selectSegment(config.segments, signals);
  const plan = config.plans[segment.plan];
  if (!plan) throw new Error(`segment ${segment.name} names unknown plan ${segment.plan}`);
  const autoAngle = selectAngle(config.angles, signals);
  const perChannel = new Map<string, number>();
  const touches = plan.touches
    .filter((t) => includeTouch(t, signals))
    .map((t, index) => ({ t, index }))
    .sort((a, b) => a.t.offset - b.t.offset || a.index - b.index)
    .map(({ t }, position): PlannedTouch => {
      const channelTouch = (perChannel.get(t.channel) ?? 0) + 1;
      perChannel.set(t.channel, channelTouch);
      const decision = decideIncentive(t, channelTouch, signals, config.incentives, {
        ...input.history,
        hasIdentity: input.hasIdentity,
        abandonedAt: input.abandonedAt,
        rotationKey: input.abandonmentId,
      });
      const angle = t.angle === 'auto' ? autoAngle : t.angle;
      return {
        touchId: derivedId(input.abandonmentId, t.channel, String(channelTouch)),
        sequence: position + 1,
        channel: t.channel,
        offsetMs: t.offset,
        template: t.template,
        incentive: decision.incentive,
        ...(angle ? { angle } : {}),
      };
    });
  return { segment: segment.name, planName: segment.plan, touches };
}
