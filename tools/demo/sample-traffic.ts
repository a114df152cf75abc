/**
 * Realistic sample shopper traffic for the demo: a mix of checkout abandoners, cart abandoners,
 * shoppers who buy before any reminder, shoppers who buy after the first email, a bad batch and
 * a retried batch. Everything is relative to "now" so the compressed clock applies.
 */
export interface Shopper {
  kind: 'checkout-abandoner' | 'cart-abandoner' | 'buys-before-reminder' | 'buys-after-first-email';
  cartId: string;
  email: string;
  events: () => unknown[];
  order: () => unknown[];
}

const CATALOG = [
  { sku: 'LS-001', productId: 'linen-shirt', title: 'Linen Shirt', unitPrice: 4900 },
  { sku: 'CH-014', productId: 'chelsea-boots', title: 'Chelsea Boots', unitPrice: 15900 },
  { sku: 'WB-220', productId: 'wool-beanie', title: 'Merino Wool Beanie', unitPrice: 2500 },
  { sku: 'TR-310', productId: 'trail-runners', title: 'Trail Runners', unitPrice: 12900 },
  { sku: 'RC-007', productId: 'rain-coat', title: 'Packable Rain Coat', unitPrice: 8900 },
  { sku: 'CM-101', productId: 'ceramic-mug', title: 'Stoneware Mug', unitPrice: 1800 },
] as const;
const NAMES = [
  'Ada',
  'Grace',
  'Alan',
  'Edsger',
  'Barbara',
  'Ken',
  'Margaret',
  'Linus',
  'Radia',
  'Donald',
  'Frances',
  'John',
];
const ZONES = ['Europe/Paris', 'Europe/London', 'America/New_York', 'Asia/Tokyo', 'Australia/Sydney'];
const KINDS: Shopper['kind'][] = [
  'checkout-abandoner',
  'cart-abandoner',
  'buys-before-reminder',
  'buys-after-first-email',
];

export function sampleShoppers(count: number, runId: string): Shopper[] {
  return Array.from({ length: count }, (_, i) => {
    const kind = KINDS[i % KINDS.length] ?? 'checkout-abandoner';
    const name = NAMES[i % NAMES.length] ?? 'Sam';
    const first = CATALOG[i % CATALOG.length] ?? CATALOG[0];
    const second = CATALOG[(i * 7 + 3) % CATALOG.length] ?? CATALOG[1];
    const items = [{ ...first, quantity: 1, url: `https://shop.example/p/${first.productId}` }];
    if (i % 3 === 0 && second.sku !== first.sku)
      items.push({ ...second, quantity: 2, url: `https://shop.example/p/${second.productId}` });
    const cartId = `demo-${runId}-${i}`;
    const email = `${name.toLowerCase()}.${i}@shoppers.example`;
    const customer = {
      id: `cust-${runId}-${i}`,
      email,
      firstName: name,
      locale: 'en-GB',
      timezone: ZONES[i % ZONES.length],
      ordersCount: i % 2,
    };
    const cart = { currency: 'EUR', items };
    const at = () => new Date().toISOString();
    const total = items.reduce((sum, it) => sum + it.quantity * it.unitPrice, 0);
    const checkout = kind !== 'cart-abandoner';
    return {
      kind,
      cartId,
      email,
      events: () => [
        {
          id: `${cartId}-created`,
          type: 'cart.created',
          occurredAt: at(),
          cartId,
          customer,
          cart,
          device: i % 2 ? 'mobile' : 'desktop',
        },
        ...(checkout
          ? [
              {
                id: `${cartId}-checkout`,
                type: 'checkout.started',
                occurredAt: at(),
                cartId,
                customer,
                cart,
                checkout: { step: 'contact' },
              },
              {
                id: `${cartId}-shipping`,
                type: 'checkout.step_completed',
                occurredAt: at(),
                cartId,
                customer,
                checkout: { step: 'shipping' },
              },
            ]
          : []),
      ],
      order: () => [
        {
          id: `${cartId}-order`,
          type: 'order.completed',
          occurredAt: at(),
          cartId,
          customer,
          order: { id: `order-${cartId}`, total, currency: 'EUR' },
        },
      ],
    };
  });
}
