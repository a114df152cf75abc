import {
  type Abandonment,
  type Channel,
  type Customer,
  type Delivery,
  type DeliveryStatus,
  type TouchDue,
} from '@reclaim/contracts';
import { derivedId } from '@reclaim/core';
import { stopScopes, suppressionFor, type SuppressionFact } from './suppression-rules';

export type TouchStatus = 'scheduled' | 'dispatched' | 'cancelled' | 'skipped';
export type SkipReason = 'no_consent' | 'no_address' | typeof ALREADY_SENT;

/** A re-armed cart's new sequence continues where the paused one stopped: what went out is not sent again. */
export const ALREADY_SENT = 'already_sent_for_cart';

/** One durable timer: a planned touch, when it is due, and what became of it. */
export interface TouchTimer {
  touchId: string;
  abandonmentId: string;
  storeId: string;
  cartId: string;
  channel: Channel;
  sequence: number;
  dueAt: Date;
  abandonedAt: Date;
  /** The cart's last shopper activity before its abandonment: which of a shopper's sequences is the live one. */
  lastActivityAt: Date;
  /** Every suppression scope that can stop this touch (`stopScopes`). */
  scopes: string[];
  status: TouchStatus;
  reason: string | null;
  payload: TouchDue;
}

/** Offsets are business time; RECOVERY_TIME_SCALE compresses them (scaleMs is TimeScale.ms). */
export function dueAtFor(abandonedAt: Date, offsetMs: number, scaleMs: (businessMs: number) => number): Date {
  return new Date(abandonedAt.getTime() + scaleMs(offsetMs));
}

/** Why a touch cannot go out on its channel at all, or undefined when it can. */
export function skipReasonFor(
  channel: Channel,
  consent: Abandonment['consent'],
  customer: Customer,
): SkipReason | undefined {
  if (!consent[channel]) return 'no_consent';
  if (channel === 'email' && !customer.email) return 'no_address';
  if (channel === 'sms' && !customer.phone) return 'no_address';
  // Push addresses (subscriptions, tokens) are owned by the push service, which skips when it has none.
  return undefined;
}

/** What the channel receives for one planned touch of an abandonment. */
export function touchPayload(a: Abandonment, t: Abandonment['plan'][number], dueAt: Date): TouchDue {
  return {
    touchId: t.touchId,
    abandonmentId: a.abandonmentId,
    storeId: a.storeId,
    cartId: a.cartId,
    channel: t.channel,
    sequence: t.sequence,
    template: t.template,
    incentive: t.incentive,
    ...(t.angle ? { angle: t.angle } : {}),
    segment: a.segment,
    customer: a.customer,
    cart: a.cart,
    abandonedAt: new Date(a.abandonedAt).toISOString(),
    lastActivityAt: a.lastActivityAt,
    dueAt: dueAt.toISOString(),
  };
}

/** Every scope any touch of this abandonment could be stopped by (what to look up before planning). */
export function abandonmentScopes(a: Abandonment): string[] {
  const abandonedAt = new Date(a.abandonedAt);
  return [...new Set(a.plan.flatMap((t) => stopScopes({ payload: touchPayload(a, t, abandonedAt) })))];
}

/** How a touch already sent for a cart is remembered across its sequences: channel and step. */
export const sentStep = (channel: Channel, sequence: number): string => `${channel}#${sequence}`;

/**
 * The timers for an abandonment. A hold-out gets none. A touch already stopped by a known
 * suppression is born cancelled (never scheduled); one that cannot reach the shopper on its
 * channel, or whose step (channel and sequence) an earlier, paused sequence of the same cart
 * already sent (`sentSteps`, by `sentStep`), is born skipped; the rest are scheduled at
 * abandonedAt + scaled offset.
 */
export function planTimers(
  a: Abandonment,
  scaleMs: (businessMs: number) => number,
  suppressions: ReadonlyArray<SuppressionFact>,
  sentSteps: ReadonlySet<string> = new Set(),
): TouchTimer[] {
  if (a.holdout) return [];
  const abandonedAt = new Date(a.abandonedAt);
  const lastActivityAt = new Date(a.lastActivityAt);
  return a.plan.map((t) => {
    const dueAt = dueAtFor(abandonedAt, t.offsetMs, scaleMs);
    const payload = touchPayload(a, t, dueAt);
    const suppression = suppressionFor({ payload }, suppressions);
    const skip =
      skipReasonFor(t.channel, a.consent, a.customer) ??
      (sentSteps.has(sentStep(t.channel, t.sequence)) ? ALREADY_SENT : undefined);
    const status: TouchStatus = suppression ? 'cancelled' : skip ? 'skipped' : 'scheduled';
    return {
      touchId: t.touchId,
      abandonmentId: a.abandonmentId,
      storeId: a.storeId,
      cartId: a.cartId,
      channel: t.channel,
      sequence: t.sequence,
      dueAt,
      abandonedAt,
      lastActivityAt,
      scopes: stopScopes({ payload }),
      status,
      reason: suppression?.reason ?? skip ?? null,
      payload,
    };
  });
}

/** The delivery record for a touch that ended without going out; its id is derived, so a replay repeats it. */
export function deliveryFor(
  touch: Pick<TouchTimer, 'touchId' | 'abandonmentId' | 'storeId' | 'cartId' | 'channel' | 'sequence'>,
  status: Extract<DeliveryStatus, 'cancelled' | 'skipped'>,
  reason: string,
  at: Date,
): Delivery {
  return {
    deliveryId: derivedId(touch.touchId, status),
    touchId: touch.touchId,
    abandonmentId: touch.abandonmentId,
    storeId: touch.storeId,
    cartId: touch.cartId,
    channel: touch.channel,
    sequence: touch.sequence,
    status,
    reason,
    at: at.toISOString(),
  };
}

export const SUPERSEDED = 'superseded_by_newer_abandonment';
/** One sequence per shopper: a newer cart's abandonment stops the sequences of the shopper's other carts. */
export const SUPERSEDED_BY_CART = 'superseded_by_newer_cart';
/** The shopper came back to the cart without ordering: the rest of the sequence waits for the next abandonment. */
export const PAUSED = 'paused_shopper_returned';

export type SequenceRef = Pick<TouchTimer, 'abandonmentId' | 'abandonedAt' | 'lastActivityAt'>;

/** True when `a` is the more recent sequence: later shopper activity, then later abandonment, then id. */
function isMoreRecent(a: SequenceRef, b: SequenceRef): boolean {
  const byActivity = a.lastActivityAt.getTime() - b.lastActivityAt.getTime();
  if (byActivity !== 0) return byActivity > 0;
  const byAbandonment = a.abandonedAt.getTime() - b.abandonedAt.getTime();
  if (byAbandonment !== 0) return byAbandonment > 0;
  return a.abandonmentId > b.abandonmentId;
}

/**
 * One live sequence: the most recent abandonment's (by the shopper's last activity, then
 * abandonment time, then id), counting the one `arriving` now. Given scheduled touches — of one
 * cart, or of one shopper's carts — returns those of every other abandonment, to be cancelled.
 * A cart re-abandoned after the shopper came back, or that moved from the cart plan to the
 * checkout plan, never runs two sequences, nor does a shopper with several carts (the most
 * recent cart wins); a replayed older abandonment is the one that loses.
 */
export function supersededTouches<T extends SequenceRef>(scheduled: ReadonlyArray<T>, arriving?: SequenceRef): T[] {
  let latest: SequenceRef | undefined;
  for (const t of arriving ? [...scheduled, arriving] : scheduled) {
    if (!latest || isMoreRecent(t, latest)) latest = t;
  }
  return scheduled.filter((t) => t.abandonmentId !== latest?.abandonmentId);
}
