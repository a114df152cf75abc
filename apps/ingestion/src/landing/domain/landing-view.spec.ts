import type { CartItem } from '@reclaim/contracts';
import { renderLanding } from '../../resume/landing-pages';
import { formatMoney, landingView, MAX_ITEMS_SHOWN, type LandingViewInput } from './landing-view';

const contentsAt = new Date('2026-11-25T10:00:00Z');
const before = new Date('2026-11-25T09:00:00Z');
const after = new Date('2026-11-25T11:00:00Z');
const now = new Date('2026-11-25T12:00:00Z');
const item = (over: Partial<CartItem> = {}): CartItem => ({
  sku: 'sku-1',
  productId: 'p-1',
  title: 'Linen shirt',
  quantity: 1,
  unitPrice: 4_000,
  ...over,
});
const input = (over: Partial<LandingViewInput> = {}): LandingViewInput => ({
  storeName: 'Shop',
  currency: 'EUR',
  items: [item()],
  contentsAt,
  facts: new Map(),
  checkoutUrl: 'https://shop.example/checkout?cart=c1',
  now,
  httpsOnly: true,
  ...over,
});

describe(formatMoney.name, () => {
  it("scales minor units by the currency's own fraction digits", () => {
    expect(formatMoney(1_999, 'EUR')).toBe('€19.99');
    expect(formatMoney(1_999, 'JPY')).toBe('¥1,999');
    expect(formatMoney(1_999, 'KWD')).toMatch(/^KWD\s1\.999$/);
  });
});

describe(landingView.name, () => {
  it('lists items with their line totals and totals the cart', () => {
    const view = landingView(
      input({ items: [item(), item({ sku: 'sku-2', productId: 'p-2', quantity: 2, unitPrice: 1_250 })] }),
    );
    expect(view.items.map((i) => [i.title, i.unitPrice, i.lineTotal, i.outOfStock])).toEqual([
      ['Linen shirt', '€40.00', '€40.00', false],
      ['Linen shirt', '€12.50', '€25.00', false],
    ]);
    expect([view.itemCount, view.total, view.unavailableCount]).toEqual([3, '€65.00', 0]);
  });

  it("lets a product fact newer than the cart override the item's price and stock, an older one not", () => {
    const facts = new Map([
      ['p-1', { unitPrice: { value: 3_000, at: after }, inStock: { value: false, at: before } }],
      ['p-2', { inStock: { value: false, at: after } }],
    ]);
    const view = landingView(
      input({ items: [item(), item({ sku: 'sku-2', productId: 'p-2', unitPrice: 500 })], facts }),
    );
    expect(view.items[0]).toMatchObject({ unitPrice: '€30.00', previousPrice: '€40.00', outOfStock: false });
    expect(view.items[1]).toMatchObject({ unitPrice: '€5.00', outOfStock: true });
    expect(view.items[1]?.previousPrice).toBeUndefined();
    // The out-of-stock item is listed, and left out of the total.
    expect([view.total, view.unavailableCount]).toEqual(['€30.00', 1]);
  });

  it('shows an image only over https in production (and http outside it)', () => {
    const items = [
      item({ imageUrl: 'https://cdn.example/a.png' }),
      item({ sku: 's2', imageUrl: 'http://cdn.example/b.png' }),
    ];
    expect(landingView(input({ items })).items.map((i) => i.image)).toEqual(['https://cdn.example/a.png', undefined]);
    expect(landingView(input({ items, httpsOnly: false })).items.map((i) => i.image)).toEqual([
      'https://cdn.example/a.png',
      'http://cdn.example/b.png',
    ]);
  });

  it("shows the touch's incentive until it expires, in the shopper's time zone", () => {
    const incentive = {
      code: 'SAVE-ABCD',
      kind: 'percent_10' as const,
      cartId: 'c1',
      expiresAt: new Date('2026-11-27T12:00:00Z'),
    };
    expect(landingView(input({ incentive, timezone: 'Europe/Paris' })).incentive).toEqual({
      code: 'SAVE-ABCD',
      offer: '10% off your order',
      expires: '27 Nov 2026, 13:00 CET',
    });
    expect(landingView(input({ incentive, now: new Date('2026-11-28T00:00:00Z') })).incentive).toBeUndefined();
  });

  it('keeps the page under 30 KB for the largest cart the contract allows', () => {
    const huge = Array.from({ length: 500 }, (_, i) =>
      item({
        sku: `sku-${i}`,
        title: `<b>${'x'.repeat(505)}</b>`,
        imageUrl: `https://cdn.example/${'i'.repeat(480)}.png`,
        quantity: 999,
      }),
    );
    const view = landingView(
      input({ items: huge, returns: 'r'.repeat(300), delivery: 'd'.repeat(300), support: 's'.repeat(300) }),
    );
    expect(view.items).toHaveLength(MAX_ITEMS_SHOWN);
    expect(view.moreItems).toBe(500 - MAX_ITEMS_SHOWN);
    const html = renderLanding(view);
    expect(Buffer.byteLength(html)).toBeLessThan(30 * 1024);
    expect(html).not.toContain('<b>');
    expect(html).toContain('&lt;b&gt;');
  });
});
