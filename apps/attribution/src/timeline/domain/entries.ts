import {
  Delivery,
  IncentiveIssued,
  Recovery,
  type Abandonment,
  type AbandonmentPaused,
  type StorefrontEventRecord,
  type Suppression,
  type TouchDue,
} from '@reclaim/contracts';
import {
  checkoutErrorWords,
  clockTime,
  durationWords,
  incentiveWords,
  isKnownZone,
  moneyText,
  offsetWords,
  reasonWords,
  touchLabel,
  utcDateTime,
  utcTime,
} from './words';

/**
 * What a cart's timeline is made of, one entry per thing that happened to the cart, each with its
 * reason in words, derived from the topics alone. The rank orders entries of the same instant in
 * the order things cause each other (the abandonment before the decision it led to, …).
 */
export const TimelineKinds = [
  'cart',
  'checkout',
  'shipping',
  'consent',
  'push',
  'order',
  'abandoned',
  'decision',
  'paused',
  'touch',
  'incentive',
  'delivery',
  'click',
  'suppression',
  'recovery',
] as const;
export type TimelineKind = (typeof TimelineKinds)[number];

export const KIND_RANK: Readonly<Record<TimelineKind, number>> = Object.fromEntries(
  TimelineKinds.map((kind, rank) => [kind, rank]),
) as Record<TimelineKind, number>;

export interface TimelineEntry {
  at: Date;
  kind: TimelineKind;
  /** What happened and why, in words. */
  text: string;
  /** The facts behind the text (ids, codes, amounts), for whoever needs more than the words. */
  detail: Record<string, unknown>;
}

/** An entry as the sink stores it: whose cart it is, and the record it came from (its idempotency key). */
export interface StoredEntry extends TimelineEntry {
  storeId: string;
  /** Null for a suppression that names only an order: it joins the cart of that order. */
  cartId: string | null;
  /** The order an entry names (order entries; suppressions known only by their order). */
  orderId: string | null;
  /** Unique per store and kind: a redelivered record meets its row and adds nothing. */
  sourceId: string;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

// ---------------------------------------------------------------------------------------------
// Storefront events

/** A storefront event of a cart, or undefined for one that says nothing about a cart (product updates). */
export function storefrontEntry(record: StorefrontEventRecord, sourceId: string): StoredEntry | undefined {
  const { event, storeId } = record;
  if (!event.cartId) return undefined;
  const base = { storeId, cartId: event.cartId, orderId: null, sourceId, at: new Date(event.occurredAt) };
  const detail: Record<string, unknown> = { eventId: event.id, type: event.type };
  if (event.device) detail['device'] = event.device;
  const cartWords = () => {
    if (!event.cart) return '';
    const items = event.cart.items.reduce((n, item) => n + item.quantity, 0);
    const value = event.cart.items.reduce((sum, item) => sum + item.quantity * item.unitPrice, 0);
    detail['items'] = items;
    detail['value'] = value;
    detail['currency'] = event.cart.currency;
    return `: ${plural(items, 'item')}, ${moneyText(value, event.cart.currency)}`;
  };
  switch (event.type) {
    case 'cart.created':
      return { ...base, kind: 'cart', text: `cart created${cartWords()}`, detail };
    case 'cart.updated':
      return { ...base, kind: 'cart', text: `cart updated${cartWords()}`, detail };
    case 'cart.viewed':
      return { ...base, kind: 'cart', text: 'cart viewed', detail };
    case 'checkout.started':
      return { ...base, kind: 'checkout', text: `checkout started${cartWords()}`, detail };
    case 'checkout.step_completed': {
      const step = event.checkout?.step;
      if (step) detail['step'] = step;
      return {
        ...base,
        kind: 'checkout',
        text: step ? `checkout step completed: ${step}` : 'checkout step completed',
        detail,
      };
    }
    case 'checkout.error': {
      const code = event.error?.code ?? 'other';
      detail['code'] = code;
      if (event.error?.message) detail['message'] = event.error.message;
      return { ...base, kind: 'checkout', text: `checkout error: ${checkoutErrorWords(code)} (code ${code})`, detail };
    }
    case 'shipping.estimate_viewed':
      return { ...base, kind: 'shipping', text: 'shipping estimate viewed', detail };
    case 'order.completed': {
      const order = event.order;
      if (!order) return undefined; // the contract requires it
      Object.assign(detail, {
        orderId: order.id,
        total: order.total,
        currency: order.currency,
        acknowledgedAt: record.receivedAt,
        ...(order.discountCode && { discountCode: order.discountCode }),
      });
      const text = `${orderAcknowledged(order.id, new Date(record.receivedAt))}: ${moneyText(order.total, order.currency)}${
        order.discountCode ? ` with code ${order.discountCode}` : ''
      }`;
      return { ...base, orderId: order.id, kind: 'order', text, detail };
    }
    case 'consent.updated': {
      const consent = event.consent ?? {};
      const given = (['email', 'sms', 'push'] as const)
        .filter((c) => consent[c] !== undefined)
        .map((c) => `${c} ${consent[c] ? 'yes' : 'no'}`);
      detail['consent'] = consent;
      return { ...base, kind: 'consent', text: `consent updated: ${given.join(', ') || 'nothing said'}`, detail };
    }
    case 'push.subscribed':
      return { ...base, kind: 'push', text: 'push subscribed', detail };
    case 'product.updated':
      return undefined;
  }
}

/** `order o-123 acknowledged 14:02:11 UTC`: when Reclaim received the order (its own clock). */
export function orderAcknowledged(orderId: string, receivedAt: Date): string {
  return `order ${orderId} acknowledged ${utcTime(receivedAt, true)}`;
}

// ---------------------------------------------------------------------------------------------
// Abandonment, decision, pause

/**
 * `abandoned: checkout idle 15 min`. The idle time is business time: the real gap between the
 * last activity and the abandonment divided by RECOVERY_TIME_SCALE (`scale`).
 */
export function idleText(stage: string, lastActivityAt: Date, abandonedAt: Date, scale: number): string {
  const businessMs = (abandonedAt.getTime() - lastActivityAt.getTime()) / scale;
  return `abandoned: ${stage} idle ${durationWords(businessMs)}`;
}

/** `segment checkout-abandoner (first-time, shipping viewed); plan: email 1 at +1h, …; held out: no (10 % hold-out)`. */
export function decisionText(a: Abandonment): string {
  const segment =
    a.signals && a.signals.length > 0 ? `segment ${a.segment} (${a.signals.join(', ')})` : `segment ${a.segment}`;
  const share = a.holdoutPercent === undefined ? '' : ` (${a.holdoutPercent} % hold-out)`;
  if (a.holdout) return `${segment}; held out: yes${share}, no messages by design`;
  const touches = [...a.plan]
    .sort((x, y) => x.sequence - y.sequence)
    .map(
      (t) =>
        `${touchLabel(t.channel, t.sequence)} at ${offsetWords(t.offsetMs)}${
          t.incentive === 'none' ? '' : ` with ${incentiveWords(t.incentive)}`
        }`,
    );
  const plan = touches.length > 0 ? `plan: ${touches.join(', ')}` : 'plan: no messages';
  return `${segment}; ${plan}; held out: no${share}`;
}

export function abandonmentEntries(a: Abandonment, sourceId: string, scale: number): StoredEntry[] {
  const at = new Date(a.abandonedAt);
  const base = { storeId: a.storeId, cartId: a.cartId, orderId: null, sourceId, at };
  return [
    {
      ...base,
      kind: 'abandoned',
      text: idleText(a.stage, new Date(a.lastActivityAt), at, scale),
      detail: {
        abandonmentId: a.abandonmentId,
        stage: a.stage,
        lastActivityAt: a.lastActivityAt,
        value: a.cart.value,
        currency: a.cart.currency,
        ...(a.device && { device: a.device }),
      },
    },
    {
      ...base,
      kind: 'decision',
      text: decisionText(a),
      detail: {
        abandonmentId: a.abandonmentId,
        segment: a.segment,
        signals: a.signals ?? null,
        holdout: a.holdout,
        holdoutPercent: a.holdoutPercent ?? null,
        consent: a.consent,
        plan: a.plan.map((t) => ({
          touchId: t.touchId,
          channel: t.channel,
          sequence: t.sequence,
          offsetMs: t.offsetMs,
          incentive: t.incentive,
        })),
      },
    },
  ];
}

export function pausedEntry(p: AbandonmentPaused, sourceId: string): StoredEntry {
  const at = new Date(p.resumedAt);
  return {
    storeId: p.storeId,
    cartId: p.cartId,
    orderId: null,
    sourceId,
    at,
    kind: 'paused',
    text: `shopper came back at ${utcTime(at)}: sequence paused`,
    detail: { abandonmentId: p.abandonmentId, sourceEventId: p.sourceEventId },
  };
}

// ---------------------------------------------------------------------------------------------
// Touches

/** The zone a deferral reason names (`quiet hours, Europe/Berlin`), if this runtime knows it. */
export function zoneIn(reason: string): string | undefined {
  return reason.split(/[\s,()]+/).find((word) => (word.includes('/') || word === 'UTC') && isKnownZone(word));
}

/**
 * `email 2 deferred 21:40 → 08:00 (quiet hours, Europe/Berlin)`: the planned and the actual moment
 * on the clock of the zone the reason names, else in UTC with its label.
 */
export function deferralText(label: string, plannedAt: Date, dueAt: Date, reason: string): string {
  const zone = zoneIn(reason);
  const span = zone
    ? `${clockTime(plannedAt, zone)} → ${clockTime(dueAt, zone)}`
    : `${clockTime(plannedAt, 'UTC')} → ${clockTime(dueAt, 'UTC')} UTC`;
  return `${label} deferred ${span} (${reason})`;
}

export function touchEntry(t: TouchDue, sourceId: string): StoredEntry {
  const label = touchLabel(t.channel, t.sequence);
  const dueAt = new Date(t.dueAt);
  return {
    storeId: t.storeId,
    cartId: t.cartId,
    orderId: null,
    sourceId,
    at: dueAt,
    kind: 'touch',
    text: t.deferred ? deferralText(label, new Date(t.deferred.plannedAt), dueAt, t.deferred.reason) : `${label} due`,
    detail: {
      touchId: t.touchId,
      abandonmentId: t.abandonmentId,
      channel: t.channel,
      sequence: t.sequence,
      template: t.template,
      incentive: t.incentive,
      ...(t.angle && { angle: t.angle }),
      ...(t.deferred && { deferred: t.deferred }),
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Deliveries and clicks

/** What a delivery's text needs; its detail is exactly this (read back to join at read time). */
export const DeliveryFacts = Delivery.pick({
  touchId: true,
  channel: true,
  sequence: true,
  status: true,
  reason: true,
  click: true,
  segments: true,
});
export type DeliveryFacts = ReturnType<typeof DeliveryFacts.parse>;

/** The order that completed the cart, when the timeline has it: names the order a cancellation was for. */
export interface OrderRef {
  orderId: string;
  acknowledgedAt: Date;
}

/**
 * `email 1 sent`, `sms 1 skipped: no consent`, `email 3 cancelled: order o-123 acknowledged
 * 14:02:11 UTC`, `email 1 clicked`, `email 1 clicked (not credited: mail scanner, HEAD request)`.
 * `label` overrides the touch's own (a delivery without its sequence), `order` names the order.
 */
export function deliveryText(d: DeliveryFacts, context: { label?: string; order?: OrderRef } = {}): string {
  const label = context.label ?? touchLabel(d.channel, d.sequence);
  const why = d.reason ? `: ${reasonWords(d.reason)}` : '';
  switch (d.status) {
    case 'sent':
      return d.segments && d.segments > 1 ? `${label} sent (${d.segments} segments)` : `${label} sent`;
    case 'cancelled':
      if (d.reason === 'order_completed' && context.order) {
        return `${label} cancelled: ${orderAcknowledged(context.order.orderId, context.order.acknowledgedAt)}`;
      }
      return `${label} cancelled${why}`;
    case 'skipped':
      return `${label} skipped${why}`;
    case 'failed':
      return `${label} failed${why}`;
    case 'bounced':
      return `${label} bounced${why}`;
    case 'unknown':
      return `${label}: outcome unknown${why}`;
    case 'clicked':
      if (!d.click || d.click.credited) return `${label} clicked`;
      if (d.click.kind === 'repeat') return `${label} clicked again (not credited: repeat)`;
      return `${label} clicked (not credited: mail scanner${d.click.why ? `, ${d.click.why}` : ''})`;
  }
}

export function deliveryEntry(d: Delivery, sourceId: string): StoredEntry {
  const facts = DeliveryFacts.parse(d);
  return {
    storeId: d.storeId,
    cartId: d.cartId,
    orderId: null,
    sourceId,
    at: new Date(d.at),
    kind: d.status === 'clicked' ? 'click' : 'delivery',
    text: deliveryText(facts),
    detail: { ...facts, deliveryId: d.deliveryId },
  };
}

// ---------------------------------------------------------------------------------------------
// Incentives

export const IncentiveFacts = IncentiveIssued.pick({ code: true, kind: true, touchId: true, expiresAt: true });
export type IncentiveFacts = ReturnType<typeof IncentiveFacts.parse>;

/** `code ABC-123 (10 % off) issued with email 2, expires 2026-01-20 14:00 UTC`. */
export function incentiveText(i: IncentiveFacts, label?: string): string {
  const issued = label ? `issued with ${label}` : 'issued';
  return `code ${i.code} (${incentiveWords(i.kind)}) ${issued}, expires ${utcDateTime(new Date(i.expiresAt))}`;
}

export function incentiveEntry(i: IncentiveIssued, sourceId: string): StoredEntry {
  const facts = IncentiveFacts.parse(i);
  return {
    storeId: i.storeId,
    cartId: i.cartId,
    orderId: null,
    sourceId,
    at: new Date(i.issuedAt),
    kind: 'incentive',
    text: incentiveText(facts),
    detail: facts,
  };
}

// ---------------------------------------------------------------------------------------------
// Suppressions

/** The channel a consent scope is kept for (`consent:sms:…`), if it is one. */
function consentChannel(scope: string): string | undefined {
  return /^consent:(email|sms|push):/.exec(scope)?.[1];
}

/**
 * A suppression that names a cart, or an order (joined to that order's cart when the timeline
 * reads it), as `stopped: order completed` / `stopped: consent withdrawn (sms)`. One event
 * suppresses several scopes at once (the cart, the customer, the address): they are one entry, its
 * scopes listed in the detail. Others (an unsubscribed address) say nothing about one cart.
 */
export function suppressionEntry(s: Suppression): StoredEntry | undefined {
  if (!s.cartId && !s.orderId) return undefined;
  const channel = consentChannel(s.scope);
  const reason = reasonWords(s.reason);
  return {
    storeId: s.storeId,
    cartId: s.cartId ?? null,
    orderId: s.cartId ? null : (s.orderId ?? null),
    sourceId: [s.sourceEventId, s.reason, channel ?? ''].join(':'),
    at: new Date(s.suppressedAt),
    kind: 'suppression',
    text: `stopped: ${reason}${channel ? ` (${channel})` : ''}${s.orderId ? `, order ${s.orderId}` : ''}`,
    detail: {
      reason: s.reason,
      scopes: [s.scope],
      sourceEventId: s.sourceEventId,
      ...(s.orderId && { orderId: s.orderId }),
      ...(channel && { channel }),
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Recoveries

export const RecoveryFacts = Recovery.pick({
  cartId: true,
  orderId: true,
  revenue: true,
  currency: true,
  holdout: true,
  credit: true,
  attributedChannel: true,
  attributedSequence: true,
  attributedTouchId: true,
  orderCartId: true,
  hoursToRecover: true,
});
export type RecoveryFacts = ReturnType<typeof RecoveryFacts.parse>;

/**
 * `recovered: €80.00, credited to email 1 (clicked)` / `(delivered, no click)` / `without a touch
 * (hold-out)`; `by order o-9 for another cart of the same shopper` when the order was for another
 * cart. `label` names the credited touch when the record has no sequence.
 */
export function recoveryText(r: RecoveryFacts, label?: string): string {
  const money = moneyText(r.revenue, r.currency);
  const elsewhere =
    r.orderCartId && r.orderCartId !== r.cartId ? ` by order ${r.orderId} for another cart of the same shopper` : '';
  const credit = r.credit ?? (r.attributedChannel ? 'clicked' : 'none');
  const touch = label ?? (r.attributedChannel ? touchLabel(r.attributedChannel, r.attributedSequence) : undefined);
  if (credit === 'none' || !touch) {
    const why = r.holdout ? 'hold-out' : 'no touch clicked or delivered in the window';
    return `recovered: ${money}${elsewhere} without a touch (${why})`;
  }
  const how = credit === 'clicked' ? 'clicked' : 'delivered, no click';
  return `recovered: ${money}${elsewhere}, credited to ${touch} (${how})`;
}

export function recoveryEntry(r: Recovery, sourceId: string): StoredEntry {
  const facts = RecoveryFacts.parse(r);
  return {
    storeId: r.storeId,
    cartId: r.cartId,
    orderId: null,
    sourceId,
    at: new Date(r.recoveredAt),
    kind: 'recovery',
    text: recoveryText(facts),
    detail: { ...facts, ...(r.abandonmentId && { abandonmentId: r.abandonmentId }) },
  };
}
