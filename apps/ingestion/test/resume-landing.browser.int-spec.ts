import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { Contracts, type StorefrontEventRecord } from '@reclaim/contracts';
import { runService } from '@reclaim/platform';
import {
  launchChromium,
  pollUntil,
  screenshotFile,
  startServiceUnderTest,
  Viewports,
  type ServiceUnderTest,
} from '@reclaim/testing';
import { AppModule } from '../src/app.module';
import { IngestionConfig } from '../src/config';
import { sealedLink, startImageHost } from './landing-fixture';

const SECRET = 'landing-browser-secret';
const STORE = 'shop-r';
const STORES = {
  [STORE]: {
    landing: 'reclaim',
    name: 'Reclaim Demo Shop',
    cartUrl: 'https://shop-r.example/cart/{cartId}',
    checkoutUrl: 'https://shop-r.example/checkout?cart={cartId}',
    returns: 'Free returns within 30 days.',
    delivery: 'Ships in 1–2 days from our London warehouse.',
    support: 'help@shop-r.example · +44 20 7946 0000',
  },
};

/**
 * The landing page in a real browser (Debian Chromium): usable at phone and desktop widths, its
 * button visible and leading to the store's checkout, nothing fetched from anyone but ingestion and
 * the item images' host, no Content-Security-Policy violation; and the friendly error pages.
 * Screenshots go to artifacts/screenshots (landing-*.png).
 */
describe('landing page in Chromium', () => {
  let sut: ServiceUnderTest<IngestionConfig>;
  let base: string;
  let images: Awaited<ReturnType<typeof startImageHost>>;
  let browser: Browser | undefined;
  const cartId = `cart-${Date.now().toString(36)}`;
  const touchId = `touch-${Date.now().toString(36)}`;
  const cartUrl = `https://shop-r.example/cart/${cartId}`;
  const landing = () => `${base}/r/${sealedLink(SECRET, { s: STORE, c: cartId, t: touchId, u: cartUrl })}`;
  const record = (event: StorefrontEventRecord['event']): StorefrontEventRecord => ({
    storeId: STORE,
    receivedAt: new Date().toISOString(),
    event,
  });
  const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();

  beforeAll(async () => {
    images = await startImageHost();
    sut = await startServiceUnderTest({
      name: 'ingestion-landing-browser',
      schema: IngestionConfig,
      start: (config) =>
        runService(AppModule.register(config), {
          port: 0,
          host: '127.0.0.1',
          nest: { bodyParser: false, logger: false },
        }),
      env: {
        INGESTION_API_KEYS: `${STORE}:${STORE}-key-0001`,
        RESUME_LINK_SECRET: SECRET,
        RESUME_STORES: JSON.stringify(STORES),
      },
    });
    base = `http://127.0.0.1:${((sut.app.getHttpServer() as Server).address() as AddressInfo).port}`;
    await sut.publisher.publish(Contracts.storefrontEvent, [
      record({
        id: `ev-cart-${cartId}`,
        type: 'cart.updated',
        occurredAt: minutesAgo(30),
        cartId,
        customer: { timezone: 'Europe/London' },
        cart: {
          currency: 'GBP',
          items: [
            {
              sku: 'shirt-m',
              productId: 'p-shirt',
              title: 'Organic linen shirt, relaxed fit — Sky blue / Medium',
              quantity: 2,
              unitPrice: 4_500,
              imageUrl: `${images.base}/img/shirt.png`,
            },
            {
              sku: 'scarf',
              productId: 'p-scarf',
              title: 'Merino wool scarf',
              quantity: 1,
              unitPrice: 2_900,
              imageUrl: `${images.base}/img/scarf.png`,
            },
            {
              sku: 'socks',
              productId: 'p-socks',
              title: 'Everyday socks (3 pairs) with an unusually long product name that wraps onto lines',
              quantity: 1,
              unitPrice: 1_200,
            },
          ],
        },
      }),
    ]);
    await sut.publisher.publish(Contracts.storefrontEvent, [
      record({
        id: `ev-p1-${cartId}`,
        type: 'product.updated',
        occurredAt: minutesAgo(5),
        product: { productId: 'p-shirt', unitPrice: 3_900 },
      }),
      record({
        id: `ev-p2-${cartId}`,
        type: 'product.updated',
        occurredAt: minutesAgo(5),
        product: { productId: 'p-scarf', inStock: false },
      }),
    ]);
    await sut.publisher.publish(Contracts.incentive, [
      {
        code: 'RCL-7QX2-K9',
        kind: 'percent_10',
        singleUse: true,
        storeId: STORE,
        cartId,
        touchId,
        issuedAt: minutesAgo(60),
        expiresAt: new Date(Date.now() + 2 * 86_400_000).toISOString(),
      },
    ]);
    await pollUntil(
      async () => {
        const html = await (await fetch(landing(), { redirect: 'manual' })).text();
        return html.includes('RCL-7QX2-K9') && html.includes('£39.00') && html.includes('Out of stock');
      },
      { description: 'the landing page to show the events and the incentive' },
    );
    browser = await launchChromium();
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await sut?.close();
    await images?.close();
  });

  /** Opens `url` at a width; every request the page makes and every console error are kept. */
  const open = async (url: string, viewport: { width: number; height: number }) => {
    const context = await browser!.newContext({ viewport });
    const page = await context.newPage();
    const requests: string[] = [];
    const errors: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    // The browser's own favicon probe (ingestion serves none: a 404) is not the page's doing.
    page.on('console', (m) => {
      if (m.type() === 'error' && !m.location().url.endsWith('/favicon.ico')) errors.push(m.text());
    });
    const response = await page.goto(url, { waitUntil: 'load' });
    return { context, page, requests, errors, status: response?.status() };
  };

  const skipped = () => {
    if (browser) return false;
    console.warn('landing browser test skipped: launchChromium() found no Chromium (tools/browser/ensure-chromium.sh)');
    return true;
  };

  it.each([
    ['phone', Viewports.phone],
    ['desktop', Viewports.desktop],
  ])('is usable at %s width and fetches nothing from third parties', async (name, viewport) => {
    if (skipped()) return;
    const { context, page, requests, errors, status } = await open(landing(), viewport);
    try {
      expect(status).toBe(200);
      const button = page.getByRole('link', { name: 'Continue to checkout' });
      expect(await button.isVisible()).toBe(true);
      expect(await button.getAttribute('href')).toBe(`https://shop-r.example/checkout?cart=${cartId}`);
      // In the first screen, without scrolling.
      const box = await button.boundingBox();
      expect(box && box.y + box.height).toBeLessThanOrEqual(viewport.height);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Your cart is waiting');
      expect(await page.getByText('RCL-7QX2-K9').isVisible()).toBe(true);
      // Both images loaded (from the local image host), each with alt text.
      const shown = await page.$$eval('img', (imgs) => imgs.map((i) => ({ alt: i.alt, loaded: i.naturalWidth > 0 })));
      expect(shown).toEqual([
        { alt: 'Organic linen shirt, relaxed fit — Sky blue / Medium', loaded: true },
        { alt: 'Merino wool scarf', loaded: true },
      ]);
      if (viewport.width === Viewports.phone.width) {
        expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(viewport.width);
      }
      const hosts = new Set(requests.map((u) => new URL(u).host));
      expect([...hosts].sort()).toEqual([new URL(base).host, new URL(images.base).host].sort());
      expect(errors).toEqual([]); // a CSP violation would be reported here
      await page.screenshot({ path: screenshotFile(`landing-${name}`), fullPage: true });
    } finally {
      await context.close();
    }
  });

  it('shows the friendly page for a tampered link', async () => {
    if (skipped()) return;
    const token = sealedLink(SECRET, { s: STORE, c: cartId, t: touchId, u: cartUrl });
    const tampered = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    const { context, page, requests, errors, status } = await open(`${base}/r/${tampered}`, Viewports.phone);
    try {
      expect(status).toBe(404);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('This link is not available');
      expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(
        Viewports.phone.width,
      );
      expect(new Set(requests.map((u) => new URL(u).host))).toEqual(new Set([new URL(base).host]));
      // The page's own 404 is reported as a failed load; nothing else may be.
      expect(errors.filter((e) => !e.includes('status of 404'))).toEqual([]);
      await page.screenshot({ path: screenshotFile('landing-tampered-phone'), fullPage: true });
    } finally {
      await context.close();
    }
  });

  it('shows the expired page with a way to the store', async () => {
    if (skipped()) return;
    const expired = sealedLink(SECRET, {
      s: STORE,
      c: cartId,
      t: touchId,
      u: cartUrl,
      exp: Math.floor(Date.now() / 1000) - 60,
    });
    const { context, page, status } = await open(`${base}/r/${expired}`, Viewports.phone);
    try {
      expect(status).toBe(410);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('This link has expired');
      const link = page.getByRole('link', { name: 'Go to Reclaim Demo Shop' });
      expect(await link.isVisible()).toBe(true);
      expect(await link.getAttribute('href')).toBe('https://shop-r.example/');
      await page.screenshot({ path: screenshotFile('landing-expired-phone'), fullPage: true });
    } finally {
      await context.close();
    }
  });

  it('says the order is complete once the cart is ordered', async () => {
    if (skipped()) return;
    await sut.publisher.publish(Contracts.storefrontEvent, [
      record({
        id: `ev-order-${cartId}`,
        type: 'order.completed',
        occurredAt: minutesAgo(1),
        cartId,
        order: { id: `order-${cartId}`, total: 9_000, currency: 'GBP' },
      }),
    ]);
    await pollUntil(
      async () => (await (await fetch(landing(), { redirect: 'manual' })).text()).includes('Your order is complete'),
      { description: 'the page to say the order is complete' },
    );
    const { context, page, status } = await open(landing(), Viewports.phone);
    try {
      expect(status).toBe(200);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Your order is complete');
      expect(await page.getByRole('link', { name: 'Continue to checkout' }).count()).toBe(0);
      expect(await page.getByRole('link', { name: 'Go to Reclaim Demo Shop' }).getAttribute('href')).toBe(
        'https://shop-r.example/',
      );
      await page.screenshot({ path: screenshotFile('landing-order-complete-phone'), fullPage: true });
    } finally {
      await context.close();
    }
  });
});
