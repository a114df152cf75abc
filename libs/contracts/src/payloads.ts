import { z } from 'zod';
import { IncentiveKinds } from './incentives';
import { Cart, CurrencyCode, Customer, Devices, Money } from './storefront-event';

const Timestamp = z.iso.datetime({ offset: true });

export const SuppressionReasons = [
  'order_completed',
  'unsubscribed',
  'sms_stop',
  'hard_bounce',
  'complaint',
  'consent_withdrawn',
] as const;
export type SuppressionReason = (typeof SuppressionReasons)[number];

/** reclaim.suppressions.v1 — keyed by scope; compacted, so the latest record per scope wins. */
export const Suppression = z.object({
  scope: z.string().min(1),
  storeId: z.string().min(1),
  reason: z.enum(SuppressionReasons),
  cartId: z.string().optional(),
  customerId: z.string().optional(),
  /** For order_completed: the customer's other open carts are suppressed through this. */
  orderId: z.string().optional(),
  sourceEventId: z.string().min(1),
  suppressedAt: Timestamp,
});
export type Suppression = z.infer<typeof Suppression>;

export const Channels = ['email', 'sms', 'push'] as const;
export type Channel = (typeof Channels)[number];

/** What a recovery message leads with (payment error → payment_options, shipping estimate → delivery, …). */
export const RecoveryAngles = [
  'payment_options',
  'delivery',
  'returns',
  'shipping_clarity',
  'support',
  'reviews',
] as const;
export type RecoveryAngle = (typeof RecoveryAngles)[number];

/**
 * The templates the email service renders (apps/email/src/templates): a plan's email touch names
 * one of these (segmentation checks it; the email service also reads `email.reminder`,
 * `reminder-2`, … as them).
 */
export const EmailTemplateNames = ['reminder', 'reassurance', 'incentive'] as const;
export type EmailTemplateName = (typeof EmailTemplateNames)[number];

export const PlannedTouch = z.object({
  touchId: z.string().min(1),
  sequence: z.number().int().min(1),
  channel: z.enum(Channels),
  /** Business offset after abandonment, before RECOVERY_TIME_SCALE. */
  offsetMs: z.number().int().min(0),
  template: z.string().min(1),
  incentive: z.enum(['none', ...IncentiveKinds]).default('none'),
  /** The reassurance angle the message leads with, chosen by segmentation from the cart's signals. */
  angle: z.enum(RecoveryAngles).optional(),
});
export type PlannedTouch = z.infer<typeof PlannedTouch>;

export const CartSnapshot = Cart.extend({
  value: Money,
});
export type CartSnapshot = z.infer<typeof CartSnapshot>;

export const Stages = ['cart', 'checkout'] as const;

/** reclaim.abandonments.v1 — one per detected abandonment. */
export const Abandonment = z.object({
  abandonmentId: z.string().min(1),
  storeId: z.string().min(1),
  cartId: z.string().min(1),
  stage: z.enum(Stages),
  segment: z.string().min(1),
  holdout: z.boolean(),
  customer: Customer.default({}),
  consent: z.object({ email: z.boolean(), sms: z.boolean(), push: z.boolean() }),
  cart: CartSnapshot,
  lastActivityAt: Timestamp,
  abandonedAt: Timestamp,
  plan: z.array(PlannedTouch),
  /**
   * The store's hold-out share (percent) when this abandonment was decided. Attribution starts a
   * new measurement epoch when it changes. Absent on records from before it was added.
   */
  holdoutPercent: z.number().min(0).max(100).optional(),
  /** The device of the cart's last storefront event that named one. */
  device: z.enum(Devices).optional(),
  /** The signals that chose the segment and plan, in words (`first-time`, `high-ticket`, `shipping viewed`, …). */
  signals: z.array(z.string().min(1)).optional(),
});
export type Abandonment = z.infer<typeof Abandonment>;

/**
 * reclaim.abandonments.v1 (ce_type reclaim.abandonment.paused) — the shopper came back to an
 * abandoned cart without ordering. The live sequence of `abandonmentId` pauses (its remaining
 * touches are cancelled) and detection re-arms: if the cart goes idle again, a new abandonment
 * continues the sequence. Same topic and key as the abandonment, so it is always read after it.
 */
export const AbandonmentPaused = z.object({
  abandonmentId: z.string().min(1),
  storeId: z.string().min(1),
  cartId: z.string().min(1),
  /** The storefront event that showed the shopper back (its occurredAt is `resumedAt`). */
  sourceEventId: z.string().min(1),
  resumedAt: Timestamp,
});
export type AbandonmentPaused = z.infer<typeof AbandonmentPaused>;

/** reclaim.touches.<channel>.v1 — a touch that is due now. */
export const TouchDue = z.object({
  touchId: z.string().min(1),
  abandonmentId: z.string().min(1),
  storeId: z.string().min(1),
  cartId: z.string().min(1),
  channel: z.enum(Channels),
  sequence: z.number().int().min(1),
  template: z.string().min(1),
  incentive: PlannedTouch.shape.incentive,
  /** What the message leads with, as planned (absent: the channel picks from the segment). */
  angle: PlannedTouch.shape.angle,
  segment: z.string().min(1),
  customer: Customer.default({}),
  cart: CartSnapshot,
  /** When the cart was abandoned (from the abandonment): customer-scope suppressions apply from then on. */
  abandonedAt: Timestamp.optional(),
  /** The cart's last shopper activity before the abandonment (from the abandonment). */
  lastActivityAt: Timestamp.optional(),
  /**
   * When the scheduler let the touch go: its planned moment, or the later one its policies
   * deferred it to. A channel attempts it until dueAt + TOUCH_MAX_AGE at the latest.
   */
  dueAt: Timestamp,
  /** Present when a policy moved the touch: its planned moment and why (`quiet hours, Europe/Berlin`). */
  deferred: z.object({ plannedAt: Timestamp, reason: z.string().min(1) }).optional(),
});
export type TouchDue = z.infer<typeof TouchDue>;

export const DeliveryStatuses = ['sent', 'failed', 'skipped', 'cancelled', 'bounced', 'clicked', 'unknown'] as const;
export type DeliveryStatus = (typeof DeliveryStatuses)[number];

export const ClickKinds = ['first', 'repeat', 'prefetch'] as const;
export type ClickKind = (typeof ClickKinds)[number];

/**
 * How ingestion judged a `clicked` delivery. `first`: the first click on the touch's link that
 * looks like a shopper — credited, at most one per touch (its deliveryId is `<touchId>:clicked`).
 * `repeat`: a later click on a touch already credited. `prefetch`: a likely security scanner or
 * link previewer (HEAD, a known gateway user agent, a fetch within seconds of sending) — recorded,
 * never credited, and it does not use up the touch's first click. `why` says what decided it.
 */
export const Click = z
  .object({
    credited: z.boolean(),
    kind: z.enum(ClickKinds),
    why: z.string().optional(),
  })
  .refine((c) => c.credited === (c.kind === 'first'), { message: 'credited is true exactly for the first click' });
export type Click = z.infer<typeof Click>;

/** reclaim.deliveries.v1 — what happened to a touch, with the reason when it did not go out. */
export const Delivery = z.object({
  deliveryId: z.string().min(1),
  touchId: z.string().min(1),
  abandonmentId: z.string().optional(),
  storeId: z.string().min(1),
  cartId: z.string().min(1),
  channel: z.enum(Channels),
  sequence: z.number().int().min(1).optional(),
  status: z.enum(DeliveryStatuses),
  reason: z.string().optional(),
  providerMessageId: z.string().optional(),
  /**
   * On `clicked` deliveries: whether the click is credited. Absent on clicks recorded before
   * clicks were judged; consumers treat those as credited candidates (one per touch).
   */
  click: Click.optional(),
  /** On sent (and unknown) touches: when the hand-off to the provider started. */
  handoffAt: Timestamp.optional(),
  /** On sent SMS: how many segments the provider bills (attribution prices SMS per segment). */
  segments: z.number().int().min(1).optional(),
  at: Timestamp,
});
export type Delivery = z.infer<typeof Delivery>;

export const CreditKinds = ['clicked', 'delivered', 'none'] as const;
export type CreditKind = (typeof CreditKinds)[number];

/**
 * reclaim.recoveries.v1 — one record per recovered abandonment, keyed by cart: an order for the
 * cart, or by the same shopper for a cart abandoned before it, within the attribution window.
 * Credit: the last clicked touch within the click window, else the last delivered touch within
 * the view window, else none (`credit: 'none'`; every hold-out recovery).
 */
export const Recovery = z.object({
  storeId: z.string().min(1),
  cartId: z.string().min(1),
  orderId: z.string().min(1),
  revenue: Money,
  currency: CurrencyCode,
  holdout: z.boolean(),
  attributedChannel: z.enum(Channels).optional(),
  attributedTouchId: z.string().optional(),
  recoveredAt: Timestamp,
  abandonmentId: z.string().min(1).optional(),
  /** The order was for another cart of the same shopper (customer id, else email). */
  orderCartId: z.string().min(1).optional(),
  credit: z.enum(CreditKinds).optional(),
  attributedSequence: z.number().int().min(1).optional(),
  angle: z.enum(RecoveryAngles).optional(),
  segment: z.string().min(1).optional(),
  incentiveCode: z.string().min(1).optional(),
  /** Business hours from abandonment to order (RECOVERY_TIME_SCALE undone). */
  hoursToRecover: z.number().min(0).optional(),
});
export type Recovery = z.infer<typeof Recovery>;
