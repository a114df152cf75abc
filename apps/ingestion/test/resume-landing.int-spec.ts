import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DataSource } from 'typeorm';
import {
  Contracts,
  Topics,
  type CartItem,
  type Delivery,
  type IncentiveIssued,
  type StorefrontEventRecord,
} from '@reclaim/contracts';
import { signToken } from '@reclaim/core';
import { fetchCommittedOffsets, fetchHighWatermarks, groupFor, topicFor } from '@reclaim/kafka';
import { runService } from '@reclaim/platform';
import { pollUntil, startServiceUnderTest, type ServiceUnderTest } from '@reclaim/testing';
import { AppModule } from '../src/app.module';
import { IngestionConfig } from '../src/config';
import { LandingFeedConsumer } from '../src/landing/landing-feed.consumer';
import { sealedLink, startImageHost } from './landing-fixture';

const SECRET = 'landing-secret-for-tests';
const BROWSER =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1';
const STORES = {
  'shop-a': { name: 'Shop A', cartUrl: 'https://shop-a.example/cart/{cartId}', allowedHosts: ['www.shop-a.example'] },
  'shop-b': { name: 'Shop B', cartUrl: 'https://shop-b.example/cart/{cartId}' },
  'shop-r': {
    landing: 'reclaim',
    name: 'Reclaim Demo Shop',
    cartUrl: 'https://shop-r.example/cart/{cartId}',
    checkoutUrl: 'https://shop-r.example/checkout?cart={cartId}',
    returns: 'Free returns within 30 days.',
    delivery: 'Ships in 1–2 days.',
    support: 'help@shop-r.example · +44 20 7946 0000',
  },
};

/** The few entities Handlebars writes in attribute values. */
const unescape = (s: string) =>
  s.replaceAll('&#x3D;', '=').replaceAll('&#x27;', "'").replaceAll('&quot;', '"').replaceAll('&amp;', '&');
const hrefOf = (html: string, cls: string) => {
  const match = new RegExp(`<a class="${cls}" href="([^"]*)"`).exec(html);
  return match?.[1] === undefined ? undefined : unescape(match[1]);
};

/**
 * Resume links against the real broker and Postgres: only to the allowed hosts of the store a
 * token names, friendly pages for bad links, and — for a store whose landing is `reclaim` —
 * Reclaim's own page for the cart, fed from the real storefront-events and incentives topics.
 */
describe('GET /r/:token landing (Kafka + Postgres)', () => {
  let sut: ServiceUnderTest<IngestionConfig>;
  let base: string;
  let images: Awaited<ReturnType<typeof startImageHost>>;
  let imageBase: string;

  beforeAll(async () => {
    images = await startImageHost();
    imageBase = images.base;
    sut = await startServiceUnderTest({
      name: 'ingestion-landing',
      schema: IngestionConfig,
      start: (config) =>
        runService(AppModule.register(config), {
          port: 0,
          host: '127.0.0.1',
          nest: { bodyParser: false, logger: false },
        }),
      env: {
        INGESTION_API_KEYS: 'shop-a:shop-a-key-0001',
        RESUME_LINK_SECRET: SECRET,
        RESUME_PREFETCH_WINDOW_MS: '0',
        RESUME_RECORD_WAIT_MS: '10000',
        STORE_CART_URL_TEMPLATE: 'https://shop.example/cart/{cartId}',
        RESUME_STORES: JSON.stringify(STORES),
      },
      observe: [Topics.deliveries.name],
    });
    base = `http://127.0.0.1:${((sut.app.getHttpServer() as Server).address() as AddressInfo).port}`;
  }, 60_000);

  afterAll(async () => {
    await sut?.close();
    await images?.close();
  });

  let n = 0;
  const unique = (what: string) => `${what}-${++n}-${Date.now().toString(36)}`;
  const nowS = () => Math.floor(Date.now() / 1000);

  /** A token as a channel signs it; `u` defaults to the store's cart page. */
  const token = (o: { s: string; c?: string; t?: string; u?: string; exp?: number }) => {
    const c = o.c ?? unique('cart');
    const t = o.t ?? unique('touch');
    const host = o.s in STORES ? `${o.s}.example` : 'shop.example';
    const u = o.u ?? `https://${host}/cart/${c}`;
    return {
      cartId: c,
      touchId: t,
      url: u,
      token: sealedLink(SECRET, { s: o.s, c, t, u, ...(o.exp === undefined ? {} : { exp: o.exp }) }),
    };
  };

  const visit = (t: string, method = 'GET') =>
    fetch(`${base}/r/${t}`, { method, redirect: 'manual', headers: { 'user-agent': BROWSER } });

  const clicksOf = (touchId: string) =>
    sut
      .recordsOn(Topics.deliveries.name)
      .map((r) => r.value as Delivery)
      .filter((d) => d.touchId === touchId);

  /**
   * Asserts a refused visit recorded nothing: a later valid click on the same cart (same key, same
   * partition of the deliveries topic) is read after anything the refused one could have published.
   */
  const expectNoClick = async (refused: { s: string; cartId: string; touchId: string }) => {
    const marker = token({ s: refused.s, c: refused.cartId });
    expect((await visit(marker.token)).status).toBe(302);
    await pollUntil(() => clicksOf(marker.touchId).length === 1, { description: 'the marker click' });
    expect(clicksOf(refused.touchId)).toEqual([]);
  };

  const expectFriendlyPage = async (res: Response, status: number, heading: string) => {
    expect(res.status).toBe(status);
    expect(res.headers.get('location')).toBeNull();
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await res.text();
    expect(html).toContain(`<h1>${heading}</h1>`);
    expect(html).toContain('<html lang="en">');
    return html;
  };

  describe('bad links get a friendly page, never a redirect', () => {
    it('answers a tampered token 404 with HTML and no link to any store', async () => {
      const { token: t } = token({ s: 'shop-a' });
      // One character of the sealed data changed (away from the last, whose low bits may be unused).
      const tampered = `${t.slice(0, -5)}${t.at(-5) === 'A' ? 'B' : 'A'}${t.slice(-4)}`;
      const html = await expectFriendlyPage(await visit(tampered), 404, 'This link is not available');
      expect(html).not.toContain('href=');
      const sealedElsewhere = sealedLink('another-secret', {
        s: 'shop-a',
        c: 'c',
        t: 't',
        u: 'https://shop-a.example/',
      });
      await expectFriendlyPage(await visit(sealedElsewhere), 404, 'This link is not available');
      const forged = signToken(
        { s: 'shop-a', c: 'c', t: 't', ch: 'email', u: 'https://shop-a.example/', exp: nowS() + 60 },
        'another-secret',
      );
      await expectFriendlyPage(await visit(forged), 404, 'This link is not available');
    });

    it("answers an expired token 410, linking to the store's home, and records nothing", async () => {
      const expired = token({ s: 'shop-a', exp: nowS() - 60 });
      const html = await expectFriendlyPage(await visit(expired.token), 410, 'This link has expired');
      expect(hrefOf(html, 'button')).toBe('https://shop-a.example/');
      expect(html).toContain('Go to Shop A');
      await expectNoClick({ s: 'shop-a', ...expired });
    });

    it("refuses a token whose URL is off the store's allow-list, and records nothing", async () => {
      const evil = token({ s: 'shop-a', u: 'https://evil.example/phish' });
      const html = await expectFriendlyPage(await visit(evil.token), 404, 'This link is not available');
      expect(hrefOf(html, 'button')).toBe('https://shop-a.example/');
      await expectNoClick({ s: 'shop-a', ...evil });
    });

    it("refuses a store A token leading to store B's site: the allow-list is the token store's", async () => {
      const cross = token({ s: 'shop-a', u: 'https://shop-b.example/cart/x' });
      await expectFriendlyPage(await visit(cross.token), 404, 'This link is not available');
      await expectNoClick({ s: 'shop-a', ...cross });
      // The same URL in a token of store B is B's own cart.
      const own = token({ s: 'shop-b', u: 'https://shop-b.example/cart/x' });
      const res = await visit(own.token);
      expect([res.status, res.headers.get('location')]).toEqual([302, 'https://shop-b.example/cart/x']);
    });

    it('lets a store without settings lead only to the host of STORE_CART_URL_TEMPLATE', async () => {
      const fine = token({ s: 'unlisted', u: 'https://shop.example/cart/c-1' });
      const res = await visit(fine.token);
      expect([res.status, res.headers.get('location')]).toEqual([302, 'https://shop.example/cart/c-1']);
      const away = token({ s: 'unlisted', u: 'https://elsewhere.example/cart/c-1' });
      const html = await expectFriendlyPage(await visit(away.token), 404, 'This link is not available');
      expect(hrefOf(html, 'button')).toBe('https://shop.example/');
      await expectNoClick({ s: 'unlisted', ...away });
    });
  });

  it('redirects a store whose landing is "store" (302) to the allow-listed URL, and credits the click', async () => {
    const link = token({ s: 'shop-a', u: 'https://www.shop-a.example/cart/42?utm_source=reclaim' });
    const res = await visit(link.token);
    expect([res.status, res.headers.get('location')]).toEqual([
      302,
      'https://www.shop-a.example/cart/42?utm_source=reclaim',
    ]);
    const [click] = await pollUntil(() => clicksOf(link.touchId).length === 1 && clicksOf(link.touchId));
    expect(click?.click).toEqual({ credited: true, kind: 'first' });
  });

  describe('a store whose landing is "reclaim"', () => {
    const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();
    const storefront = (event: StorefrontEventRecord['event'], storeId = 'shop-r'): StorefrontEventRecord => ({
      storeId,
      receivedAt: new Date().toISOString(),
      event,
    });
    const items = (): CartItem[] => [
      {
        sku: 'shirt-m',
        productId: 'p-shirt',
        title: 'Linen shirt <blue>',
        quantity: 2,
        unitPrice: 4_000,
        imageUrl: `${imageBase}/img/shirt.png`,
        inStock: true,
      },
      {
        sku: 'scarf',
        productId: 'p-scarf',
        title: 'Wool scarf',
        quantity: 1,
        unitPrice: 1_500,
        imageUrl: `${imageBase}/img/scarf.png`,
        inStock: true,
      },
    ];

    /** Waits until the landing group has read everything on the storefront and incentives topics. */
    const landingCaughtUp = () =>
      pollUntil(
        async () => {
          const admin = sut.kafka.admin();
          await admin.connect();
          try {
            for (const topic of [Topics.storefrontEvents.name, Topics.incentives.name]) {
              const physical = topicFor(sut.settings, topic);
              const high = await fetchHighWatermarks(admin, physical);
              const committed = await fetchCommittedOffsets(
                sut.kafka,
                groupFor(sut.settings, LandingFeedConsumer.groupId),
                physical,
              );
              for (const [partition, end] of high) if (end > 0n && (committed.get(partition) ?? 0n) < end) return false;
            }
            return true;
          } finally {
            await admin.disconnect();
          }
        },
        { description: 'the landing consumer to catch up' },
      );

    it("redirects to the store's cart while the cart is not in the read model yet", async () => {
      const link = token({ s: 'shop-r' });
      const res = await visit(link.token);
      expect([res.status, res.headers.get('location')]).toEqual([302, link.url]);
    });

    it('shows the cart at current prices and stock, the touch’s code, and the way to checkout; then that the order is complete', async () => {
      const link = token({ s: 'shop-r' });
      await sut.publisher.publish(Contracts.storefrontEvent, [
        storefront({
          id: unique('ev'),
          type: 'cart.updated',
          occurredAt: minutesAgo(10),
          cartId: link.cartId,
          customer: { timezone: 'Europe/London' },
          cart: { currency: 'EUR', items: items() },
        }),
      ]);
      await sut.publisher.publish(Contracts.storefrontEvent, [
        storefront({
          id: unique('ev'),
          type: 'product.updated',
          occurredAt: minutesAgo(5),
          product: { productId: 'p-shirt', unitPrice: 3_500 },
        }),
        storefront({
          id: unique('ev'),
          type: 'product.updated',
          occurredAt: minutesAgo(5),
          product: { productId: 'p-scarf', inStock: false },
        }),
      ]);
      const incentive: IncentiveIssued = {
        code: 'RCL-7QX2-K9',
        kind: 'percent_10',
        singleUse: true,
        storeId: 'shop-r',
        cartId: link.cartId,
        touchId: link.touchId,
        issuedAt: minutesAgo(60),
        expiresAt: '2099-01-15T12:00:00.000Z',
      };
      await sut.publisher.publish(Contracts.incentive, [incentive]);

      const page = await pollUntil(
        async () => {
          const res = await visit(link.token);
          const html = res.status === 200 ? await res.text() : '';
          return (
            html.includes('RCL-7QX2-K9') && html.includes('€35.00') && html.includes('Out of stock') && { res, html }
          );
        },
        { description: 'the landing page with the events and the incentive' },
      );
      const { res, html } = page;
      expect(res.headers.get('content-type')).toMatch(/^text\/html; charset=utf-8/);
      expect(res.headers.get('content-security-policy')).toMatch(
        /^default-src 'none'; img-src https: http:; style-src 'sha256-[A-Za-z0-9+/=]+'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'$/,
      );
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(Buffer.byteLength(html)).toBeLessThan(30 * 1024);

      // Items, escaped, with their images (served by the test's image host) and alt text.
      expect(html).toContain('<p class="title">Linen shirt &lt;blue&gt;</p>');
      expect(html).not.toContain('<blue>');
      expect(html).toContain(`<img src="${imageBase}/img/shirt.png" alt="Linen shirt &lt;blue&gt;"`);
      expect(html).toContain(`<img src="${imageBase}/img/scarf.png" alt="Wool scarf"`);
      // Current price (product.updated after the cart) with the old one struck through; the scarf out of stock.
      expect(html).toContain('Qty 2 · €35.00 each <span class="was">(was <del>€40.00</del>)</span>');
      expect(html).toMatch(
        /Wool scarf<\/p>\s*<p class="muted">Qty 1 · €15.00 each<\/p>\s*<p class="oos">Out of stock<\/p>/,
      );
      expect(html).toContain('<dl class="totals"><dt>Total</dt><dd>€70.00</dd></dl>');
      expect(html).toContain('Out-of-stock items are not included in the total.');
      // The touch's code, its offer and expiry (in the shopper's zone).
      expect(html).toContain('<strong class="code">RCL-7QX2-K9</strong>');
      expect(html).toContain('10% off your order');
      expect(html).toContain('Valid until 15 Jan 2099, 12:00 GMT.');
      // The store's trust block and one checkout button for this cart.
      expect(html).toContain('<dd>Free returns within 30 days.</dd>');
      expect(html).toContain('<dd>Ships in 1–2 days.</dd>');
      expect(html).toContain('help@shop-r.example · +44 20 7946 0000');
      expect(html.match(/class="button"/g)).toHaveLength(1);
      expect(hrefOf(html, 'button')).toBe(`https://shop-r.example/checkout?cart=${link.cartId}`);
      expect(html).toContain('>Continue to checkout</a>');
      expect(html).not.toMatch(/<script|<iframe|<form|<link /);

      // The click is recorded as for a redirect.
      await pollUntil(() => clicksOf(link.touchId).some((d) => d.click?.credited), {
        description: 'the credited click',
      });

      // Another touch on the same cart did not carry the code: its page shows none.
      const other = token({ s: 'shop-r', c: link.cartId });
      const otherHtml = await (await visit(other.token)).text();
      expect(otherHtml).toContain('€35.00');
      expect(otherHtml).not.toContain('RCL-7QX2-K9');

      await sut.publisher.publish(Contracts.storefrontEvent, [
        storefront({
          id: unique('ev'),
          type: 'order.completed',
          occurredAt: minutesAgo(1),
          cartId: link.cartId,
          order: { id: unique('order'), total: 7_000, currency: 'EUR' },
        }),
      ]);
      const done = await pollUntil(
        async () => {
          const text = await (await visit(link.token)).text();
          return text.includes('Your order is complete') && text;
        },
        { description: 'the page to say the order is complete' },
      );
      expect(done).not.toContain('Continue to checkout');
      expect(hrefOf(done, 'button')).toBe('https://shop-r.example/');
    });

    it('keeps the newest contents when an older cart event arrives late or an event is delivered twice', async () => {
      const link = token({ s: 'shop-r' });
      const newer = storefront({
        id: unique('ev'),
        type: 'cart.updated',
        occurredAt: minutesAgo(2),
        cartId: link.cartId,
        cart: { currency: 'GBP', items: [{ sku: 'mug', title: 'Newest mug', quantity: 1, unitPrice: 1_200 }] },
      });
      const older = storefront({
        id: unique('ev'),
        type: 'cart.created',
        occurredAt: minutesAgo(20),
        cartId: link.cartId,
        cart: { currency: 'GBP', items: [{ sku: 'old', title: 'Stale teapot', quantity: 3, unitPrice: 9_900 }] },
      });
      await sut.publisher.publish(Contracts.storefrontEvent, [newer]);
      await pollUntil(async () => (await (await visit(link.token)).text()).includes('Newest mug'), {
        description: 'the newer cart on the page',
      });
      // Late and redelivered: the older event, then the newer one again, then the older one again.
      await sut.publisher.publish(Contracts.storefrontEvent, [older]);
      await sut.publisher.publish(Contracts.storefrontEvent, [newer]);
      await sut.publisher.publish(Contracts.storefrontEvent, [older]);
      await landingCaughtUp();
      const html = await (await visit(link.token)).text();
      expect(html).toContain('Newest mug');
      expect(html).toContain('<dd>£12.00</dd>');
      expect(html).not.toContain('Stale teapot');
      const rows: Array<{ contents_at: Date }> = await sut.app
        .get(DataSource)
        .query('SELECT contents_at FROM landing_carts WHERE store_id = $1 AND cart_id = $2', ['shop-r', link.cartId]);
      expect(rows.map((r) => r.contents_at.toISOString())).toEqual([newer.event.occurredAt]);
    });
  });
});
