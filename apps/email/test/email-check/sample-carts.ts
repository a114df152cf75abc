import {
  EmailTemplateNames,
  type Customer,
  type EmailTemplateName,
  type IncentiveKind,
  type RecoveryAngle,
} from '@reclaim/contracts';
import type { CurrentCartItem } from '../../src/content/domain/current-cart';
import type { RenderableTouch, RenderContext } from '../../src/content/email-renderer';

/**
 * Sample carts for the email layout checks (`npm run email:check`, email-layout.browser.int-spec.ts):
 * the shapes that break a layout (a long unbroken word, a URL as a title, six items), every price
 * state (dropped, sold out), shoppers with and without a first name in several locales and time
 * zones, and between them every recovery angle. Item images live on `IMAGE_HOST`, which the
 * checks answer themselves (email-layout-check.ts): nothing leaves the machine.
 */
export const IMAGE_HOST = 'https://cdn.shop.example';

export interface EmailSample {
  name: string;
  customer: Customer;
  currency: string;
  items: CurrentCartItem[];
  angle: RecoveryAngle;
  segment: string;
  /** The offer the incentive template carries for this shopper. */
  incentive: IncentiveKind;
}

/** One message to check: a template rendered for a sample. */
export interface EmailCase {
  id: string;
  template: EmailTemplateName;
  sample: EmailSample;
  touch: RenderableTouch;
  ctx: RenderContext;
}

const image = (name: string) => `${IMAGE_HOST}/products/${name}.png`;
const item = (sku: string, title: string, unitPrice: number, over: Partial<CurrentCartItem> = {}): CurrentCartItem => ({
  sku,
  productId: `p-${sku}`,
  title,
  quantity: 1,
  unitPrice,
  imageUrl: image(sku),
  ...over,
});

export const EMAIL_SAMPLES: readonly EmailSample[] = [
  {
    name: 'one-item',
    customer: { email: 'ada@example.com', firstName: 'Ada', locale: 'en-US', timezone: 'America/New_York' },
    currency: 'USD',
    items: [item('tote', 'Canvas tote bag', 3_800)],
    angle: 'delivery',
    segment: 'first_time',
    incentive: 'percent_10',
  },
  {
    name: 'six-items-long-names',
    customer: { email: 'guest-4471@example.com', locale: 'en-GB', timezone: 'Europe/London' },
    currency: 'GBP',
    items: [
      item('shirt', 'Organic linen shirt, relaxed fit, garment-dyed and pre-washed — Sky blue / Medium', 4_500, {
        quantity: 2,
      }),
      item('word', 'Donaudampfschifffahrtsgesellschaftskapitänsmützenabzeichenhalterung', 1_250),
      item(
        'url',
        'https://shop.example/products/limited-edition-handmade-ceramic-pour-over-coffee-set?variant=49210577&colour=sand',
        6_900,
      ),
      item('scarf', 'Merino wool scarf', 2_900),
      item('socks', 'Everyday socks (3 pairs)', 1_200, { quantity: 3 }),
      item('bottle', 'Insulated steel water bottle, 750 ml, with a leak-proof bamboo lid and carry loop', 2_400),
    ],
    angle: 'payment_options',
    segment: 'high_ticket',
    incentive: 'free_shipping',
  },
  {
    name: 'price-drop',
    customer: { email: 'jonas@example.de', firstName: 'Jonas', locale: 'de-DE', timezone: 'Europe/Berlin' },
    currency: 'EUR',
    items: [
      item('jacket', 'Wasserdichte Regenjacke', 8_900, { priceBefore: 11_900 }),
      item('beanie', 'Strickmütze', 1_900),
    ],
    angle: 'returns',
    segment: 'returning',
    incentive: 'percent_10',
  },
  {
    name: 'out-of-stock',
    customer: { email: 'sam@example.com', locale: 'en-US', timezone: 'America/Los_Angeles' },
    currency: 'USD',
    items: [
      item('lamp', 'Brass desk lamp', 12_900),
      item('shade', 'Linen lamp shade, natural', 3_400, { inStock: false }),
    ],
    angle: 'shipping_clarity',
    segment: 'shipping_viewed',
    incentive: 'free_shipping',
  },
  {
    name: 'no-images',
    customer: {
      email: 'maria@example.com',
      firstName: 'Maria-Fernanda',
      locale: 'en-US',
      timezone: 'America/Sao_Paulo',
    },
    currency: 'USD',
    items: [
      item('gift', 'Gift card', 5_000, { imageUrl: undefined }),
      item('wrap', 'Gift wrapping with a handwritten note', 500, { imageUrl: undefined }),
    ],
    angle: 'support',
    segment: 'checkout_error',
    incentive: 'percent_10',
  },
  {
    name: 'three-items-reviews',
    customer: { email: 'kai@example.com.au', firstName: 'Kai', locale: 'en-AU', timezone: 'Australia/Sydney' },
    currency: 'AUD',
    items: [
      item('boots', 'Leather hiking boots', 21_900),
      item('laces', 'Spare laces', 900, { quantity: 2 }),
      item('wax', 'Beeswax leather balm', 1_500),
    ],
    angle: 'reviews',
    segment: 'first_time',
    incentive: 'free_shipping',
  },
];

/** A fixed moment, so expiry lines and screenshots are the same on every run. */
const DUE_AT = new Date('2026-12-07T14:56:00.000Z');
export const EXPIRES_AT = new Date('2026-12-09T14:56:00.000Z');

/** The context the email composer builds for a touch (apps/email/src/content/email-composer.ts). */
function contextFor(sample: EmailSample, template: EmailTemplateName): RenderContext {
  return {
    resumeUrl: `https://reclaim.shop.example/r/${sample.name}-${template}-resume-token`,
    unsubscribeUrl: `https://reclaim.shop.example/unsubscribe/${sample.name}-${template}-unsubscribe-token`,
    storeName: 'Reclaim Demo Shop',
    postalAddress: 'Reclaim Demo Shop Ltd, 1 Example Street, London EC1A 1AA, United Kingdom',
    ...(template === 'incentive' ? { incentive: { code: 'RCL-7QX2-K9', expiresAt: EXPIRES_AT } } : {}),
    trust: {
      returns: 'Free returns within 30 days.',
      supportEmail: 'help@shop.example',
      supportPhone: '+44 20 7946 0000',
    },
  };
}

function touchFor(sample: EmailSample, template: EmailTemplateName, sequence: number): RenderableTouch {
  const value = sample.items.reduce((sum, i) => sum + i.unitPrice * i.quantity, 0);
  return {
    touchId: `touch-${sample.name}-${template}`,
    abandonmentId: `abandonment-${sample.name}`,
    storeId: 'demo-store',
    cartId: `cart-${sample.name}`,
    channel: 'email',
    sequence,
    template,
    incentive: template === 'incentive' ? sample.incentive : 'none',
    angle: sample.angle,
    segment: sample.segment,
    customer: sample.customer,
    cart: { currency: sample.currency, value, items: sample.items },
    dueAt: DUE_AT.toISOString(),
  };
}

/** Every template for every sample. */
export const EMAIL_CASES: readonly EmailCase[] = EmailTemplateNames.flatMap((template, i) =>
  EMAIL_SAMPLES.map((sample) => ({
    id: `${template}-${sample.name}`,
    template,
    sample,
    touch: touchFor(sample, template, i + 1),
    ctx: contextFor(sample, template),
  })),
);
