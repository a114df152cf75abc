import {
  SuppressionScopes,
  type Abandonment,
  type Channel,
  type Customer,
  type Delivery,
  type DeliveryStatus,
  type TouchDue,
} from '@reclaim/contracts';
import { derivedId } from '@reclaim/core';
import { suppressionFor, type SuppressionFact, type TouchScopes } from './suppression-rules';

export type TouchStatus = 'scheduled' | 'dispatched' | 'cancelled' | 'skipped';
export type SkipReason = 'no_consent' | 'no_address';

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
  scopes: TouchScopes;
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

export function scopesFor(storeId: string, cartId: string, channel: Channel, customer: Customer): TouchScopes {
  let contact: string | null = null;
  if (channel === 'email' && customer.email) contact = SuppressionScopes.email(storeId, customer.email);
  if (channel === 'sms' && customer.phone) contact = SuppressionScopes.sms(storeId, customer.phone);
  return {
    cart: SuppressionScopes.cart(storeId, cartId),
    customer: customer.id ? SuppressionScopes.customer(storeId, customer.id) : null,
    contact,
  };
}

/** Every scope any touch of this abandonment could be stopped by. */
export function abandonmentScopes(a: Abandonment): string[] {
  const all = a.plan.flatMap((t) => {
    const s = scopesFor(a.storeId, a.cartId, t.channel, a.customer);
    return [s.cart, s.customer, s.contact];
  });
  return [...new Set([SuppressionScopes.cart(a.storeId, a.cartId), ...all.filter((s): s is string => s !== null)])];
}

/**
 * The timers for an abandonment. A hold-out gets none. A touch already stopped by a known
 * suppression is born cancelled (never scheduled); one that cannot reach the shopper on its
 * channel is born skipped; the rest are scheduled at abandonedAt + scaled offset.
 */
export function planTimers(
  a: Abandonment,
  scaleMs: (businessMs: number) => number,
  suppressions: ReadonlyArray<SuppressionFact>,
): TouchTimer[] {
  if (a.holdout) return [];
  const abandonedAt = new Date(a.abandonedAt);
  return a.plan.map((t) => {
    const dueAt = dueAtFor(abandonedAt, t.offsetMs, scaleMs);
    const scopes = scopesFor(a.storeId, a.cartId, t.channel, a.customer);
    const suppression = suppressionFor({ scopes, abandonedAt }, suppressions);
    const skip = skipReasonFor(t.channel, a.consent, a.customer);
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
      scopes,
      status,
      reason: suppression?.reason ?? skip ?? null,
      payload: {
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
        abandonedAt: abandonedAt.toISOString(),
        dueAt: dueAt.toISOString(),
      },
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

type AbandonmentRef = Pick<TouchTimer, 'abandonmentId' | 'abandonedAt'>;

/**
 * A cart has one live sequence: the latest abandonment's (by abandonedAt, then id), counting the
 * one `arriving` now. Given the cart's scheduled touches, returns those of every earlier
 * abandonment, to be cancelled. A cart re-abandoned after the shopper came back, or that moved
 * from the cart plan to the checkout plan, so never runs two sequences; a replayed older
 * abandonment is the one that loses.
 */
export function supersededTouches<T extends AbandonmentRef>(
  scheduled: ReadonlyArray<T>,
  arriving?: AbandonmentRef,
): T[] {
  let latest: AbandonmentRef | undefined;
  for (const t of arriving ? [...scheduled, arriving] : scheduled) {
    const newer =
      !latest ||
      t.abandonedAt.getTime() > latest.abandonedAt.getTime() ||
      (t.abandonedAt.getTime() === latest.abandonedAt.getTime() && t.abandonmentId > latest.abandonmentId);
    if (newer) latest = t;
  }
  return scheduled.filter((t) => t.abandonmentId !== latest?.abandonmentId);
}
