import 'reflect-metadata';
import type { Browser, Page } from 'playwright-core';
import {
  Contracts,
  dashboardLinkToken,
  type Abandonment,
  type Delivery,
  type StorefrontEventRecord,
} from '@reclaim/contracts';
import {
  launchChromium,
  pollUntil,
  screenshotFile,
  startServiceUnderTest,
  Viewports,
  type ServiceUnderTest,
} from '@reclaim/testing';
import { startAttribution } from '../src/app';
import { AttributionConfig } from '../src/config';
import { count, interval, money, percent } from '../src/dashboard/format';
import type { RecoveryReport } from '../src/reports/recovery-report';

/**
 * The store owner's dashboard on the real service: a small population goes through the real
 * topics (abandonments treated and held out, sent and clicked deliveries, orders), then headless
 * Chromium signs in with the reports key and reads the page; its headline and funnel must say what
 * the reports API answers. Also: sign-in refusals, the cookie's flags, dashboard links, store
 * isolation, security headers, no request leaving the service, no sideways scroll at 375 px.
 */

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const STORE = `dash-${Date.now().toString(36)}`;
const OTHER = `${STORE}-other`;
const REPORTS_KEY = 'dash-reports-key-0001-aaaa';
const OTHER_KEY = 'dash-reports-key-0002-bbbb';
const INGESTION_KEY = 'dash-ingest-key-0003-cccc';
const SECRET = 'dashboard-test-secret-0123456789abcdef';

interface Cart {
  storeId: string;
  cartId: string;
  holdout: boolean;
  currency: string;
  value: number;
  /** Hours after abandonment: a click on the e-mail, the order. */
  clickAt?: number;
  orderAt?: number;
}

/** 30 treated carts (8 clicked and ordered, 3 ordered unprompted), 10 held out (1 ordered); 4 for the other store. */
function population(): Cart[] {
  const carts: Cart[] = [];
  for (let i = 0; i < 30; i++) {
    const currency = i % 10 === 9 ? 'GBP' : 'EUR';
    carts.push({
      storeId: STORE,
      cartId: `c${i}`,
      holdout: false,
      currency,
      value: 2_000 + i * 150,
      ...(i < 8 && { clickAt: 2, orderAt: 3 + i }),
      ...(i >= 8 && i < 11 && { orderAt: 30 }),
    });
  }
  for (let i = 0; i < 10; i++)
    carts.push({
      storeId: STORE,
      cartId: `h${i}`,
      holdout: true,
      currency: 'EUR',
      value: 3_000,
      ...(i === 0 && { orderAt: 10 }),
    });
  for (let i = 0; i < 4; i++)
    carts.push({
      storeId: OTHER,
      cartId: `o${i}`,
      holdout: false,
      currency: 'USD',
      value: 9_900,
      ...(i < 2 && { clickAt: 1, orderAt: 2 }),
    });
  return carts;
}

describe('attribution dashboard (real service, headless Chromium)', () => {
  const now = Date.now();
  const carts = population();
  const iso = (t: number) => new Date(t).toISOString();
  let sut: ServiceUnderTest<AttributionConfig>;
  let base: string;
  let browser: Browser | undefined;

  const publishPopulation = async () => {
    const abandonments: Abandonment[] = [];
    const deliveries: Delivery[] = [];
    const orders: StorefrontEventRecord[] = [];
    carts.forEach((c, i) => {
      const at = now - (3 + (i % 10)) * DAY;
      const touchId = `${c.cartId}:t1`;
      abandonments.push({
        abandonmentId: `ab-${c.cartId}`,
        storeId: c.storeId,
        cartId: c.cartId,
        stage: 'checkout',
        segment: i % 2 === 0 ? 'first-time' : 'returning',
        holdout: c.holdout,
        holdoutPercent: 25,
        device: i % 3 === 0 ? 'desktop' : 'mobile',
        customer: { id: `cust-${c.storeId}-${c.cartId}`, email: `${c.cartId}@example.com`, country: 'DE' },
        consent: { email: true, sms: false, push: false },
        cart: {
          currency: c.currency,
          items: [{ sku: 'MUG', title: 'Mug', quantity: 1, unitPrice: c.value }],
          value: c.value,
        },
        lastActivityAt: iso(at - 15 * 60_000),
        abandonedAt: iso(at),
        plan: c.holdout
          ? []
          : [
              {
                touchId,
                sequence: 1,
                channel: 'email',
                offsetMs: HOUR,
                template: 'e1',
                incentive: 'none',
                angle: 'delivery',
              },
            ],
      });
      if (!c.holdout) {
        const delivery = {
          touchId,
          abandonmentId: `ab-${c.cartId}`,
          storeId: c.storeId,
          cartId: c.cartId,
          channel: 'email',
          sequence: 1,
        } as const;
        deliveries.push({ ...delivery, deliveryId: `${touchId}:sent`, status: 'sent', at: iso(at + HOUR) });
        if (c.clickAt !== undefined)
          deliveries.push({
            ...delivery,
            deliveryId: `${touchId}:clicked`,
            status: 'clicked',
            click: { credited: true, kind: 'first' },
            at: iso(at + c.clickAt * HOUR),
          });
      }
      if (c.orderAt !== undefined)
        orders.push({
          storeId: c.storeId,
          receivedAt: iso(at + c.orderAt * HOUR),
          event: {
            id: `ev-order-${c.cartId}`,
            type: 'order.completed',
            occurredAt: iso(at + c.orderAt * HOUR),
            cartId: c.cartId,
            customer: { id: `cust-${c.storeId}-${c.cartId}`, email: `${c.cartId}@example.com` },
            order: { id: `order-${c.cartId}`, total: c.value, currency: c.currency },
          },
        });
    });
    await sut.publisher.publish(Contracts.abandonment, abandonments);
    await sut.publisher.publish(Contracts.delivery, deliveries);
    await sut.publisher.publish(Contracts.storefrontEvent, orders);
  };

  const apiReport = async (key: string): Promise<RecoveryReport> => {
    const query = new URLSearchParams({ from: iso(now - 29 * DAY), to: iso(now) }).toString();
    const res = await fetch(`${base}/v1/reports/recovery?${query}`, { headers: { authorization: `Bearer ${key}` } });
    expect(res.status).toBe(200);
    return (await res.json()) as RecoveryReport;
  };

  const signIn = (key: string, headers: Record<string, string> = {}) =>
    fetch(`${base}/signin`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams({ key }).toString(),
    });

  const sessionCookie = (res: Response): string => {
    const cookie = res.headers.get('set-cookie') ?? '';
    return cookie.split(';')[0]!;
  };

  beforeAll(async () => {
    sut = await startServiceUnderTest({
      name: 'attribution-dashboard',
      schema: AttributionConfig,
      start: (config) => startAttribution(config, { port: 0, host: '127.0.0.1' }),
      env: {
        REPORTS_API_KEYS: `${STORE}:${REPORTS_KEY},${OTHER}:${OTHER_KEY}`,
        INGESTION_API_KEYS: `${STORE}:${INGESTION_KEY}`,
        DASHBOARD_SECRET: SECRET,
        ATTRIBUTION_SETTLE_MS: '0',
      },
      source: '/test/upstream',
    });
    const server = sut.app.getHttpServer() as { address(): { port: number } };
    base = `http://127.0.0.1:${server.address().port}`;
    await publishPopulation();
    const recovered = (storeId: string) => carts.filter((c) => c.storeId === storeId && c.orderAt !== undefined).length;
    await pollUntil(
      async () =>
        (await apiReport(REPORTS_KEY)).recovered === recovered(STORE) &&
        (await apiReport(OTHER_KEY)).recovered === recovered(OTHER),
      { timeoutMs: 60_000, intervalMs: 500, description: 'every recovery decided' },
    );
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await sut?.close();
  });

  /** How wide the document is (the page's own expression: no DOM types in this project). */
  const scrollWidth = (page: Page): Promise<number> => page.evaluate<number>('document.documentElement.scrollWidth');

  /** A page that records every request it makes. */
  const openPage = async (viewport: { width: number; height: number }): Promise<{ page: Page; requests: string[] }> => {
    const context = await browser!.newContext({ viewport });
    const page = await context.newPage();
    const requests: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
    return { page, requests };
  };

  it('signs in with the reports key in the browser and shows what the reports API says (phone)', async () => {
    if (!browser) {
      console.warn('browser test skipped: no Chromium (launchChromium in libs/testing/src/browser.ts says why)');
      return;
    }
    const { page, requests } = await openPage(Viewports.phone);
    await page.goto(`${base}/`);
    expect(new URL(page.url()).pathname).toBe('/signin');
    await page.screenshot({ path: screenshotFile('signin-phone'), fullPage: true });
    await page.fill('#key', REPORTS_KEY);
    await Promise.all([page.waitForURL(`${base}/`), page.click('button[type=submit] >> text=Sign in')]);

    const json = await apiReport(REPORTS_KEY);
    expect(json.recovered).toBe(12);
    // Spaces squashed on both sides (the page keeps numbers and units together with no-break spaces).
    const flat = (text: string) => text.replace(/\s+/g, ' ');
    const topline = flat((await page.textContent('#topline'))!);
    expect(topline).toContain(flat(percent(json.treated.rate)));
    expect(topline).toContain(flat(percent(json.holdout.rate)));
    expect(topline).toContain(flat(interval(json.lift.absolute, json.lift.ci95, 'always-valid')));
    for (const [currency, revenue] of Object.entries(json.revenue)) {
      expect(topline).toContain(flat(money(revenue.recovered, currency)));
      expect(topline).toContain(flat(money(revenue.incremental, currency)));
    }
    expect(Object.keys(json.revenue).sort()).toEqual(['EUR', 'GBP']);
    for (const metric of ['abandoned', 'messaged', 'clicked', 'recovered'] as const)
      expect(await page.textContent(`[data-metric=${metric}]`)).toBe(count(json[metric]));

    await page.screenshot({ path: screenshotFile('dashboard-phone'), fullPage: true });
    expect(await scrollWidth(page)).toBeLessThanOrEqual(Viewports.phone.width);

    const cookies = await page.context().cookies();
    expect(cookies.find((c) => c.name === 'reclaim_session')).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    expect(requests.filter((url) => !url.startsWith(`${base}/`))).toEqual([]);
    await page.context().close();
  });

  it('signs in with a dashboard link and fits a desktop screen', async () => {
    if (!browser) {
      console.warn('browser test skipped: no Chromium (launchChromium in libs/testing/src/browser.ts says why)');
      return;
    }
    const { page, requests } = await openPage(Viewports.desktop);
    const token = dashboardLinkToken(STORE, SECRET, new Date(), 10 * 60_000);
    await page.goto(`${base}/signin/${token}`);
    expect(page.url()).toBe(`${base}/`); // the token is gone from the address bar
    expect(await page.textContent('.top .store')).toContain(STORE);
    expect(await scrollWidth(page)).toBeLessThanOrEqual(Viewports.desktop.width);
    await page.screenshot({ path: screenshotFile('dashboard-desktop'), fullPage: true });
    // Quick link, then sign out: back to the sign-in form, and / asks for it again.
    await Promise.all([page.waitForURL(/from=/), page.click('text=Last 7 days')]);
    await Promise.all([page.waitForURL(`${base}/signin`), page.click('text=Sign out')]);
    await page.goto(`${base}/`);
    expect(new URL(page.url()).pathname).toBe('/signin');
    expect(requests.filter((url) => !url.startsWith(`${base}/`))).toEqual([]);
    await page.context().close();
  });

  it('refuses a wrong key, the ingestion key, and a sign-in posted from another site', async () => {
    for (const key of ['not-the-key', INGESTION_KEY]) {
      const res = await signIn(key);
      expect(res.status).toBe(401);
      expect(res.headers.get('set-cookie')).toBeNull();
      const page = await res.text();
      expect(page).toContain('That key was not accepted');
      expect(page).toContain('name="key" type="password"');
    }
    const crossSite = await signIn(REPORTS_KEY, { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' });
    expect(crossSite.status).toBe(403);
    expect(crossSite.headers.get('set-cookie')).toBeNull();
    const ok = await signIn(REPORTS_KEY, { origin: base, 'sec-fetch-site': 'same-origin' });
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe('/');
  });

  it('refuses an expired or forged dashboard link', async () => {
    const expired = dashboardLinkToken(STORE, SECRET, new Date(Date.now() - 2 * HOUR), HOUR);
    const res = await fetch(`${base}/signin/${expired}`, { redirect: 'manual' });
    expect(res.status).toBe(410);
    expect(await res.text()).toContain('expired');
    const forged = dashboardLinkToken(STORE, 'another-secret-0123456789abcdef0123', new Date(), HOUR);
    const refused = await fetch(`${base}/signin/${forged}`, { redirect: 'manual' });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('set-cookie')).toBeNull();
  });

  it("shows another store's session only that store's data", async () => {
    const cookie = sessionCookie(await signIn(OTHER_KEY));
    const res = await fetch(`${base}/`, { headers: { cookie } });
    expect(res.status).toBe(200);
    const page = await res.text();
    const json = await apiReport(OTHER_KEY);
    expect(json.abandoned).toBe(4);
    expect(page).toContain(OTHER);
    expect(page).toMatch(new RegExp(`data-metric="abandoned">${json.abandoned}<`));
    expect(page).toContain(money(json.revenue['USD']!.recovered, 'USD'));
    expect(page).not.toContain('data-currency="EUR"'); // the signed-in store's own carts are all in EUR and GBP
    expect(page).not.toContain('data-currency="GBP"');
    expect(page).not.toContain(`<strong>${STORE}</strong>`);
  });

  it('sends no one without a session past /signin; a bad date is a 400 page; every page carries the security headers', async () => {
    const anonymous = await fetch(`${base}/`, { redirect: 'manual' });
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('location')).toBe('/signin');
    const cookie = sessionCookie(await signIn(REPORTS_KEY));
    const bad = await fetch(`${base}/?from=2025-02-30`, { headers: { cookie } });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('from must be a date, YYYY-MM-DD');
    for (const res of [
      anonymous,
      bad,
      await fetch(`${base}/signin`),
      await fetch(`${base}/`, { headers: { cookie } }),
    ]) {
      expect(res.headers.get('content-security-policy')).toMatch(
        /^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/=]+'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'$/,
      );
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('cache-control')).toBe('no-store');
    }
    const explain = await fetch(`${base}/carts?cartId=c1`, { headers: { cookie }, redirect: 'manual' });
    expect(explain.status).toBe(303);
    expect(explain.headers.get('location')).toBe('/carts/c1');
  });
});
