import { z } from 'zod';
import { EmailAddress } from './email-address';
import { identifierProblem, SafeId, SafeText } from './text';

/** The public ingestion contract (docs/EVENTS.md). Extend compatibly; never break it. */
export const StorefrontEventTypes = [
  'cart.created',
  'cart.updated',
  'cart.viewed',
  'checkout.started',
  'checkout.step_completed',
  'checkout.error',
  'shipping.estimate_viewed',
  'order.completed',
  'consent.updated',
  'push.subscribed',
  'product.updated',
] as const;
export type StorefrontEventType = (typeof StorefrontEventTypes)[number];

const isIanaZone = (zone: string): boolean => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};

export const Money = z.number().int().min(0);

export const Devices = ['desktop', 'mobile', 'tablet', 'app'] as const;

/** ISO 4217 currencies this runtime knows (Intl, from CLDR): `ZZZ` or `XXX` are not money. */
const currencies: ReadonlySet<string> = new Set(Intl.supportedValuesOf('currency'));
export const CurrencyCode = z.string().refine((code) => currencies.has(code), 'must be an ISO 4217 code such as EUR');

/** A real calendar instant (no 30 February), with its offset; the edge also bounds it in time. */
const Rfc3339 = z.iso.datetime({ offset: true, message: 'must be an RFC 3339 timestamp' });
const Id = SafeId(128);

/**
 * A web address a shopper may be sent to or shown: http(s) only (never `javascript:`, `data:`
 * or `file:`), no control characters. Ingestion also requires https in production.
 */
export const WebUrl = z
  .url({ protocol: /^https?$/, message: 'must be an http(s) URL' })
  .max(2048)
  .superRefine((url, ctx) => {
    const why = identifierProblem(url);
    if (why) ctx.addIssue({ code: 'custom', message: why });
  });

export const Customer = z.object({
  id: Id.optional(),
  email: EmailAddress.optional(),
  phone: z
    .string()
    .regex(/^\+[1-9]\d{1,14}$/, 'must be an E.164 number such as +14155550100')
    .optional(),
  firstName: SafeText(128).optional(),
  locale: z
    .string()
    .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/, 'must be a BCP 47 tag such as en-GB')
    .optional(),
  timezone: z.string().refine(isIanaZone, 'must be an IANA time zone such as Europe/Paris').optional(),
  country: z
    .string()
    .regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code such as FR')
    .optional(),
  ordersCount: z.number().int().min(0).optional(),
});
export type Customer = z.infer<typeof Customer>;

export const CartItem = z.object({
  sku: Id,
  productId: Id.optional(),
  title: SafeText(512, 1),
  quantity: z.number().int().min(1),
  unitPrice: Money,
  imageUrl: WebUrl.optional(),
  url: WebUrl.optional(),
  inStock: z.boolean().optional(),
});
export type CartItem = z.infer<typeof CartItem>;

export const Cart = z.object({
  currency: CurrencyCode,
  items: z.array(CartItem).max(500),
  discountCode: SafeId(128).optional(),
});
export type Cart = z.infer<typeof Cart>;

export const CheckoutErrorCodes = [
  'payment_declined',
  'payment_method_unavailable',
  'out_of_stock',
  'address_invalid',
  'shipping_unavailable',
  'other',
] as const;

export const StorefrontEvent = z
  .object({
    id: Id,
    type: z.enum(StorefrontEventTypes),
    occurredAt: Rfc3339,
    cartId: Id.optional(),
    customer: Customer.optional(),
    device: z.enum(Devices).optional(),
    cart: Cart.optional(),
    checkout: z.object({ step: z.enum(['contact', 'shipping', 'payment', 'review']) }).optional(),
    error: z.object({ code: z.enum(CheckoutErrorCodes), message: SafeText(1024).optional() }).optional(),
    order: z
      .object({
        id: Id,
        total: Money,
        currency: CurrencyCode,
        /** A discount or incentive code the order used (attribution counts Reclaim's codes as redeemed). */
        discountCode: SafeId(128).optional(),
        /** What the code took off the order, in minor units. */
        discountTotal: Money.optional(),
      })
      .optional(),
    consent: z
      .object({ email: z.boolean().optional(), sms: z.boolean().optional(), push: z.boolean().optional() })
      .optional(),
    push: z
      .object({
        webPush: z
          .object({
            endpoint: z.url({ protocol: /^https$/, message: 'must be an https URL' }).max(2048),
            keys: z.object({ p256dh: SafeId(256), auth: SafeId(256) }),
          })
          .optional(),
        fcmToken: SafeId(4096).optional(),
      })
      .optional(),
    product: z.object({ productId: Id, inStock: z.boolean().optional(), unitPrice: Money.optional() }).optional(),
  })
  .superRefine((event, ctx) => {
    const need = (field: keyof typeof event, why: string) => {
      if (event[field] === undefined) ctx.addIssue({ code: 'custom', path: [field], message: why });
    };
    if (event.type === 'product.updated') {
      need('product', 'is required for product.updated');
      if (event.cartId !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['cartId'], message: 'product.updated is store-wide: no cartId' });
      }
      return;
    }
    need('cartId', `is required for ${event.type}`);
    if (event.type === 'checkout.error') need('error', 'is required for checkout.error');
    if (event.type === 'order.completed') need('order', 'is required for order.completed');
    if (event.type === 'consent.updated') need('consent', 'is required for consent.updated');
    if (event.type === 'push.subscribed') need('push', 'is required for push.subscribed');
  });
export type StorefrontEvent = z.infer<typeof StorefrontEvent>;

export const MAX_EVENTS_PER_BATCH = 500;
export const MAX_BATCH_BYTES = 1024 * 1024;

/** Only the envelope; events are validated one by one so errors carry their index. */
export const EventBatchEnvelope = z.object({
  events: z.array(z.unknown()).min(1).max(MAX_EVENTS_PER_BATCH),
});

/** What travels on reclaim.storefront-events.v1: the event as sent, plus who sent it and when it arrived. */
export const StorefrontEventRecord = z.object({
  storeId: Id,
  receivedAt: Rfc3339,
  event: StorefrontEvent,
});
export type StorefrontEventRecord = z.infer<typeof StorefrontEventRecord>;
