import 'reflect-metadata';
import {
  ConsumerGroups,
  Contracts,
  SuppressionScopes,
  Topics,
  type Abandonment,
  type Delivery,
  type Recovery,
  type StorefrontEventRecord,
  type Suppression,
  type TouchDue,
} from '@reclaim/contracts';
import { fetchCommittedOffsets, fetchHighWatermarks, groupFor, topicFor } from '@reclaim/kafka';
import {
  launchChromium,
  pollUntil,
  screenshotFile,
  startServiceUnderTest,
  Viewports,
  type ServiceUnderTest,
} from '@reclaim/testing';
import { startAttribution } from '../src/app';
import { SESSION_COOKIE, StoreAuth } from '../src/auth/store-auth';
import { AttributionConfig } from '../src/config';

interface TimelineBody {
  storeId: string;
  cartId: string;
  entries: Array<{ at: string; kind: string; text: string; detail: Record<string, unknown> }>;
}

/**
 * "Explain this cart" on a real broker and Postgres: one cart's whole story goes through the real
 * topics (cart events, an abandonment with its signals, a deferred touch, a send, an SMS skipped
 * without consent, clicks, the order, the suppression and cancellation it caused, the recovery),
 * and the API and the page tell it back in order and in words — once, however often Kafka
 * delivers the records, and only to the cart's own store.
 */
describe('cart timeline (Kafka + Postgres + HTTP)', () => {
  const run = Date.now().toString(36);
  const storeId = `store-${run}`;
  const otherStore = `other-${run}`;
  const cartId = 'cart-story';
  const storeKey = `ingest-${run}-key`;
  const reportsKey = `reports-${run}-key`;
  const otherKey = `other-${run}-key`;
  let sut: ServiceUnderTest<AttributionConfig>;
  let base: string;

  beforeAll(async () => {
    sut = await startServiceUnderTest({
      name: 'attribution_timeline',
      schema: AttributionConfig,
      start: (config) => startAttribution(config, { port: 0, host: '127.0.0.1' }),
      // Business time runs 1000× faster: 0.9 real seconds of idling are 15 business minutes.
      env: {
        RECOVERY_TIME_SCALE: '0.001',
        INGESTION_API_KEYS: `${storeId}:${storeKey},${otherStore}:${otherKey}`,
        REPORTS_API_KEYS: `${storeId}:${reportsKey}`,
      },
      source: '/test/upstream',
    });
    base = await sut.app.getUrl();
  }, 60_000);

  afterAll(async () => {
    await sut?.close();
  });

  // ----- the story: a first-time shopper in Berlin, a 2-item cart of €80.00 -----
  const customer = { id: 'cust-1', email: 'ann@example.com', phone: '+4915112345678', timezone: 'Europe/Berlin' };
  const cart = {
    currency: 'EUR',
    items: [
      { sku: 'MUG', title: 'Mug', quantity: 1, unitPrice: 3000 },
      { sku: 'TEA', title: 'Tea', quantity: 1, unitPrice: 5000 },
    ],
  };
  const event = (
    id: string,
    occurredAt: string,
    rest: Partial<StorefrontEventRecord['event']> & Pick<StorefrontEventRecord['event'], 'type'>,
    receivedAt = occurredAt,
  ): StorefrontEventRecord => ({ storeId, receivedAt, event: { id, occurredAt, cartId, customer, ...rest } });

  const events: StorefrontEventRecord[] = [
    event('e-1', '2026-01-15T20:00:00.000Z', { type: 'cart.created', cart }),
    event('e-2', '2026-01-15T20:05:00.000Z', { type: 'checkout.started', cart }),
    event('e-3', '2026-01-15T20:08:00.000Z', { type: 'checkout.error', error: { code: 'payment_declined' } }),
    event('e-4', '2026-01-15T20:10:00.000Z', { type: 'shipping.estimate_viewed' }),
    event(
      'e-5',
      '2026-01-16T07:45:00.000Z',
      { type: 'order.completed', order: { id: 'o-123', total: 8000, currency: 'EUR' } },
      '2026-01-16T07:45:01.250Z',
    ),
  ];

  const plan: Abandonment['plan'] = [
    { touchId: 't-1', sequence: 1, channel: 'email', offsetMs: 3_600_000, template: 'reminder', incentive: 'none' },
    { touchId: 't-2', sequence: 2, channel: 'sms', offsetMs: 3_600_000, template: 'reminder', incentive: 'none' },
    {
      touchId: 't-3',
      sequence: 3,
      channel: 'email',
      offsetMs: 86_400_000,
      template: 'incentive',
      incentive: 'percent_10',
    },
  ];
  const abandonment: Abandonment = {
    abandonmentId: 'ab-story',
    storeId,
    cartId,
    stage: 'checkout',
    segment: 'checkout-abandoner',
    holdout: false,
    customer,
    consent: { email: true, sms: false, push: false },
    cart: { ...cart, value: 8000 },
    lastActivityAt: '2026-01-15T20:10:00.000Z',
    abandonedAt: '2026-01-15T20:10:00.900Z',
    plan,
    holdoutPercent: 10,
    device: 'mobile',
    signals: ['first-time', 'high-ticket', 'shipping viewed'],
  };

  // Planned for 21:40 in Berlin, inside quiet hours: let go at 08:00 there.
  const touch: TouchDue = {
    touchId: 't-1',
    abandonmentId: 'ab-story',
    storeId,
    cartId,
    channel: 'email',
    sequence: 1,
    template: 'reminder',
    incentive: 'none',
    segment: 'checkout-abandoner',
    customer,
    cart: { ...cart, value: 8000 },
    abandonedAt: abandonment.abandonedAt,
    lastActivityAt: abandonment.lastActivityAt,
    dueAt: '2026-01-16T07:00:00.000Z',
    deferred: { plannedAt: '2026-01-15T20:40:00.000Z', reason: 'quiet hours, Europe/Berlin' },
  };

  const delivery = (
    deliveryId: string,
    at: string,
    rest: Partial<Delivery> & Pick<Delivery, 'touchId' | 'status'>,
  ): Delivery => ({ deliveryId, storeId, cartId, channel: 'email', abandonmentId: 'ab-story', at, ...rest });
  const deliveries: Delivery[] = [
    delivery('t-2:skipped', '2026-01-15T20:10:01.000Z', {
      touchId: 't-2',
      channel: 'sms',
      sequence: 2,
      status: 'skipped',
      reason: 'no_consent',
    }),
    delivery('t-1:sent', '2026-01-16T07:00:05.000Z', { touchId: 't-1', sequence: 1, status: 'sent' }),
    delivery('t-1:clicked:p1', '2026-01-16T07:00:06.000Z', {
      touchId: 't-1',
      sequence: 1,
      status: 'clicked',
      click: { credited: false, kind: 'prefetch', why: 'HEAD request' },
    }),
    delivery('t-1:clicked', '2026-01-16T07:30:00.000Z', {
      touchId: 't-1',
      sequence: 1,
      status: 'clicked',
      click: { credited: true, kind: 'first' },
    }),
    delivery('t-3:cancelled', '2026-01-16T07:45:02.000Z', {
      touchId: 't-3',
      sequence: 3,
      status: 'cancelled',
      reason: 'order_completed',
    }),
  ];

  // The order stops the cart and the customer: two scopes, one line.
  const suppression = (scope: string): Suppression => ({
    scope,
    storeId,
    reason: 'order_completed',
    cartId,
    orderId: 'o-123',
    sourceEventId: 'e-5',
    suppressedAt: '2026-01-16T07:45:01.250Z',
  });
  const suppressions = [
    suppression(SuppressionScopes.cart(storeId, cartId)),
    suppression(SuppressionScopes.customer(storeId, customer.id)),
  ];

  const recovery: Recovery = {
    storeId,
    cartId,
    orderId: 'o-123',
    revenue: 8000,
    currency: 'EUR',
    holdout: false,
    attributedChannel: 'email',
    attributedTouchId: 't-1',
    attributedSequence: 1,
    credit: 'clicked',
    recoveredAt: '2026-01-16T07:45:05.000Z',
    abandonmentId: 'ab-story',
    hoursToRecover: 11.6,
  };

  const expected = [
    ['cart', 'cart created: 2 items, €80.00'],
    ['checkout', 'checkout started: 2 items, €80.00'],
    ['checkout', 'checkout error: payment declined (code payment_declined)'],
    ['shipping', 'shipping estimate viewed'],
    ['abandoned', 'abandoned: checkout idle 15 min'],
    [
      'decision',
      'segment checkout-abandoner (first-time, high-ticket, shipping viewed); plan: email 1 at +1h, sms 2 at +1h, email 3 at +24h with 10 % off; held out: no (10 % hold-out)',
    ],
    ['delivery', 'sms 2 skipped: no consent'],
    ['touch', 'email 1 deferred 21:40 → 08:00 (quiet hours, Europe/Berlin)'],
    ['delivery', 'email 1 sent'],
    ['click', 'email 1 clicked (not credited: mail scanner, HEAD request)'],
    ['click', 'email 1 clicked'],
    ['order', 'order o-123 acknowledged 07:45:01 UTC: €80.00'],
    ['suppression', 'stopped: order completed, order o-123'],
    ['delivery', 'email 3 cancelled: order o-123 acknowledged 07:45:01 UTC'],
    ['recovery', 'recovered: €80.00, credited to email 1 (clicked)'],
  ];

  /** Publishes the story the way the services would, each topic's records in their own order. */
  async function publishStory(): Promise<void> {
    await sut.publisher.publish(Contracts.storefrontEvent, events);
    await sut.publisher.publish(Contracts.abandonment, [abandonment]);
    await sut.publisher.publish(Contracts.touchEmail, [touch]);
    await sut.publisher.publish(Contracts.delivery, deliveries);
    await sut.publisher.publish(Contracts.suppression, suppressions);
    await sut.publisher.publish(Contracts.recovery, [recovery]);
  }

  /** True once the attribution group has committed past every record on the story's topics. */
  async function consumedEverything(): Promise<boolean> {
    const admin = sut.kafka.admin();
    await admin.connect();
    try {
      const group = groupFor(sut.settings, ConsumerGroups.attribution);
      for (const logical of [
        Topics.storefrontEvents,
        Topics.abandonments,
        Topics.touchesEmail,
        Topics.deliveries,
        Topics.suppressions,
        Topics.recoveries,
      ]) {
        const topic = topicFor(sut.settings, logical.name);
        const committed = await fetchCommittedOffsets(sut.kafka, group, topic);
        for (const [partition, high] of await fetchHighWatermarks(admin, topic)) {
          if (high > 0n && (committed.get(partition) ?? -1n) < high) return false;
        }
      }
      return true;
    } finally {
      await admin.disconnect();
    }
  }

  const get = (path: string, headers: Record<string, string> = {}) =>
    fetch(`${base}${path}`, { headers, redirect: 'manual' });
  const timelineWith = async (key: string): Promise<TimelineBody> => {
    const res = await get(`/v1/carts/${cartId}/timeline`, { authorization: `Bearer ${key}` });
    expect(res.status).toBe(200);
    return (await res.json()) as TimelineBody;
  };
  const kindsAndTexts = (body: TimelineBody) => body.entries.map((e) => [e.kind, e.text]);

  it('tells the whole story of the cart in order, each entry with its reason in words', async () => {
    await publishStory();
    await pollUntil(async () => (await consumedEverything()) || undefined, {
      timeoutMs: 30_000,
      description: 'every story record consumed',
    });
    const body = await timelineWith(reportsKey);
    expect(body).toMatchObject({ storeId, cartId });
    expect(kindsAndTexts(body)).toEqual(expected);
    // The times are the records' own, in order.
    const times = body.entries.map((e) => Date.parse(e.at));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect(body.entries[0]?.at).toBe('2026-01-15T20:00:00.000Z');
    // The facts stay at hand: the suppression lists both scopes it stopped.
    const stopped = body.entries.find((e) => e.kind === 'suppression');
    expect([...((stopped?.detail['scopes'] as string[] | undefined) ?? [])].sort()).toEqual(
      suppressions.map((s) => s.scope).sort(),
    );
  });

  it('adds nothing when Kafka delivers the same records again', async () => {
    await publishStory();
    await pollUntil(async () => (await consumedEverything()) || undefined, {
      timeoutMs: 30_000,
      description: 'the redelivered records consumed',
    });
    expect(kindsAndTexts(await timelineWith(storeKey))).toEqual(expected);
  });

  it("answers only the cart's own store: another store's key gets 404, no key 401", async () => {
    const other = await get(`/v1/carts/${cartId}/timeline`, { authorization: `Bearer ${otherKey}` });
    expect(other.status).toBe(404);
    expect(await other.json()).toMatchObject({ statusCode: 404, message: `no cart ${cartId} in store ${otherStore}` });

    const anonymous = await get(`/v1/carts/${cartId}/timeline`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer/);

    const wrongKey = await get(`/v1/carts/${cartId}/timeline`, { authorization: 'Bearer not-a-key-at-all' });
    expect(wrongKey.status).toBe(401);
  });

  it('refuses a malformed cart id with 400 and says why', async () => {
    const res = await get(`/v1/carts/${'x'.repeat(129)}/timeline`, { authorization: `Bearer ${reportsKey}` });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ message: 'invalid cart id' });
  });

  it('shows the timeline as a page to a signed-in dashboard session, escaped, and sends others to sign in', async () => {
    const cookie = `${SESSION_COOKIE}=${sut.app.get(StoreAuth).sessionToken(storeId)}`;
    const page = await get(`/carts/${cartId}`, { cookie });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await page.text();
    // Every entry's text, in order, with its kind in words (not by colour alone).
    let from = 0;
    for (const [, text] of expected) {
      const escaped = text!.replace(/&/g, '&amp;').replace(/'/g, '&#x27;').replace(/=/g, '&#x3D;');
      const at = html.indexOf(escaped, from);
      expect({ text, found: at >= 0 }).toEqual({ text, found: true });
      from = at;
    }
    for (const label of ['Abandoned', 'Decision', 'Scheduled', 'Delivery', 'Click', 'Order', 'Stopped', 'Recovered']) {
      expect(html).toContain(` ${label}</span>`);
    }
    expect(html).not.toMatch(/<(script|link|img)\b/i);
    expect(html).not.toMatch(/https?:\/\//);

    const signedOut = await get(`/carts/${cartId}`);
    expect(signedOut.status).toBe(303);
    expect(signedOut.headers.get('location')).toBe('/signin');
    // A key is not a session: the page is for the dashboard.
    const withKey = await get(`/carts/${cartId}`, { authorization: `Bearer ${reportsKey}` });
    expect(withKey.status).toBe(303);
  });

  it('reads at 375 px and 1280 px in Chromium: every entry on screen, nothing wider than the screen, nothing fetched elsewhere', async () => {
    const browser = await launchChromium();
    if (!browser) return; // no Chromium on this machine: launchChromium said why
    try {
      for (const [name, viewport] of Object.entries(Viewports)) {
        const context = await browser.newContext({ viewport });
        await context.addCookies([
          { name: SESSION_COOKIE, value: sut.app.get(StoreAuth).sessionToken(storeId), url: base },
        ]);
        const page = await context.newPage();
        const requested: string[] = [];
        page.on('request', (r) => requested.push(r.url()));
        const res = await page.goto(`${base}/carts/${cartId}`);
        expect(res?.status()).toBe(200);
        const texts = await page.locator('li .text').allInnerTexts();
        expect(texts).toEqual(expected.map(([, text]) => text));
        // A string: the test compiles without the DOM's types.
        const overflow = await page.evaluate('document.documentElement.scrollWidth - window.innerWidth');
        expect({ name, overflow }).toEqual({ name, overflow: 0 });
        expect(requested.every((url) => url.startsWith(base))).toBe(true);
        await page.screenshot({ path: screenshotFile(`timeline-${name}`), fullPage: true });
        await context.close();
      }
    } finally {
      await browser.close();
    }
  });

  it("shows no other store's cart on the page, and opens a cart from the search form", async () => {
    const otherCookie = `${SESSION_COOKIE}=${sut.app.get(StoreAuth).sessionToken(otherStore)}`;
    const other = await get(`/carts/${cartId}`, { cookie: otherCookie });
    expect(other.status).toBe(404);
    expect(await other.text()).not.toContain('recovered');

    const cookie = `${SESSION_COOKIE}=${sut.app.get(StoreAuth).sessionToken(storeId)}`;
    const search = await get(`/carts?cartId=${encodeURIComponent(' cart/with?odd#chars ')}`, { cookie });
    expect(search.status).toBe(303);
    expect(search.headers.get('location')).toBe('/carts/cart%2Fwith%3Fodd%23chars');
    const unknown = await get(search.headers.get('location') ?? '', { cookie });
    expect(unknown.status).toBe(404);
    // The id typed is shown back escaped, in the search box.
    expect(await unknown.text()).toContain('value="cart/with?odd#chars"');
  });

  it('escapes what a storefront sent when it shows it', async () => {
    const sneaky = 'cart-<b>sneaky</b>';
    await sut.publisher.publish(Contracts.storefrontEvent, [
      {
        storeId,
        receivedAt: '2026-01-17T10:00:00.000Z',
        event: {
          id: 'e-sneaky',
          type: 'cart.created',
          occurredAt: '2026-01-17T10:00:00.000Z',
          cartId: sneaky,
          cart: {
            currency: 'EUR',
            items: [{ sku: 'X', title: '<script>alert(1)</script>', quantity: 1, unitPrice: 100 }],
          },
        },
      },
    ]);
    const cookie = `${SESSION_COOKIE}=${sut.app.get(StoreAuth).sessionToken(storeId)}`;
    const page = await pollUntil(
      async () => {
        const res = await get(`/carts/${encodeURIComponent(sneaky)}`, { cookie });
        return res.status === 200 ? res.text() : undefined;
      },
      { timeoutMs: 30_000, description: 'the sneaky cart stored' },
    );
    expect(page).toContain('Cart cart-&lt;b&gt;sneaky&lt;/b&gt;');
    expect(page).not.toContain('<b>sneaky');
  });

  it('documents the endpoint in the OpenAPI document', async () => {
    const res = await get('/docs/openapi.json');
    expect(res.status).toBe(200);
    const doc = (await res.json()) as {
      paths: Record<
        string,
        Record<string, { tags?: string[]; security?: unknown[]; responses: Record<string, unknown> }>
      >;
    };
    const op = doc.paths['/v1/carts/{cartId}/timeline']?.['get'];
    expect(op?.tags).toEqual(['timeline']);
    expect(op?.security).toEqual([{ bearer: [] }]);
    expect(Object.keys(op?.responses ?? {})).toEqual(expect.arrayContaining(['200', '401', '404']));
    expect(doc.paths['/carts/{cartId}']).toBeUndefined();
  });
});
