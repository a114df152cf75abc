import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DataSource } from 'typeorm';
import { resumeLink, Topics, type Delivery } from '@reclaim/contracts';
import { signToken } from '@reclaim/core';
import { runService } from '@reclaim/platform';
import { pollUntil, startServiceUnderTest, type ServiceUnderTest } from '@reclaim/testing';
import { AppModule } from '../src/app.module';
import { IngestionConfig } from '../src/config';

const SECRET = 'resume-secret-for-tests';
const RECORD_LIMIT = 10;
const BROWSER =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15';

/**
 * Resume-link clicks on a real broker and Postgres: one credited click per touch however often or
 * concurrently the link is fetched, scanners' prefetches recorded but not credited, only the exact
 * issued token accepted, and the shopper redirected whatever the bookkeeping does.
 */
describe('GET /r/:token clicks (Kafka + Postgres)', () => {
  let sut: ServiceUnderTest<IngestionConfig>;
  let base: string;

  beforeAll(async () => {
    sut = await startServiceUnderTest({
      name: 'ingestion-clicks',
      schema: IngestionConfig,
      start: (config) =>
        runService(AppModule.register(config), {
          port: 0,
          host: '127.0.0.1',
          nest: { bodyParser: false, logger: false },
        }),
      env: {
        INGESTION_API_KEYS: 'store-a:store-a-key-0001',
        RESUME_LINK_SECRET: SECRET,
        // Wide, so that "fetched right after sending" never depends on this machine's speed.
        RESUME_PREFETCH_WINDOW_MS: '60000',
        RESUME_RECORD_LIMIT: String(RECORD_LIMIT),
        // The redirect waits for the bookkeeping, so "first" and "second" GETs are told apart.
        RESUME_RECORD_WAIT_MS: '10000',
      },
      observe: [Topics.deliveries.name],
    });
    base = `http://127.0.0.1:${((sut.app.getHttpServer() as Server).address() as AddressInfo).port}`;
  }, 60_000);

  afterAll(async () => {
    await sut?.close();
  });

  let touches = 0;
  /** A sealed token as a channel issues it, `ageMs` ago, valid for an hour from now. */
  const sealed = (o: { touchId: string; cartId: string; cartUrl: string; ageMs: number }) =>
    resumeLink('', SECRET, {
      storeId: 'store-a',
      cartId: o.cartId,
      touchId: o.touchId,
      channel: 'email',
      cartUrl: o.cartUrl,
      now: new Date(Date.now() - o.ageMs),
      ttlMs: o.ageMs + 3_600_000,
    }).slice('/r/'.length);
  /** A touch of its own per test, its link issued `ageMs` ago (an hour: well past the prefetch window). */
  const link = (ageMs = 3_600_000) => {
    const touchId = `touch-${++touches}-${Date.now().toString(36)}`;
    const cartUrl = `https://shop.example/cart/${touchId}`;
    return { touchId, token: sealed({ touchId, cartId: `cart-${touchId}`, cartUrl, ageMs }), cartUrl };
  };
  /** The same, as a signed, readable token from before sealing (still in shoppers' inboxes). */
  const legacyLink = () => {
    const touchId = `touch-${++touches}-${Date.now().toString(36)}`;
    const now = Math.floor(Date.now() / 1000);
    const cartUrl = `https://shop.example/cart/${touchId}`;
    const payload = { s: 'store-a', c: `cart-${touchId}`, t: touchId, ch: 'email', u: cartUrl, iat: now - 3600 };
    return {
      touchId,
      cartUrl,
      token: signToken({ ...payload, exp: now + 3600 }, SECRET),
      expired: signToken({ ...payload, exp: now - 60 }, SECRET),
    };
  };

  const visit = (token: string, init: { method?: string; userAgent?: string } = {}) =>
    fetch(`${base}/r/${token}`, {
      method: init.method ?? 'GET',
      redirect: 'manual',
      headers: { 'user-agent': init.userAgent ?? BROWSER },
    });

  const clicksOf = (touchId: string) =>
    sut
      .recordsOn(Topics.deliveries.name)
      .map((r) => r.value as Delivery)
      .filter((d) => d.touchId === touchId);

  const awaitClicks = (touchId: string, n: number) =>
    pollUntil(() => clicksOf(touchId).length >= n && clicksOf(touchId), {
      description: `${n} clicks recorded for ${touchId}`,
    });

  it('credits the first GET and records the second as a repeat', async () => {
    const { touchId, token, cartUrl } = link();
    const first = await visit(token);
    expect(first.status).toBe(302);
    expect(first.headers.get('location')).toBe(cartUrl);
    const [credited] = await awaitClicks(touchId, 1);
    expect(credited).toMatchObject({
      deliveryId: `${touchId}:clicked`,
      status: 'clicked',
      storeId: 'store-a',
      cartId: `cart-${touchId}`,
      channel: 'email',
      click: { credited: true, kind: 'first' },
    });

    const second = await visit(token);
    expect(second.status).toBe(302);
    expect(second.headers.get('location')).toBe(cartUrl);
    const [, repeat] = await awaitClicks(touchId, 2);
    expect(repeat?.click).toMatchObject({ credited: false, kind: 'repeat' });
    expect(repeat?.deliveryId).not.toBe(credited?.deliveryId);
  });

  it('records HEAD, a scanner and a fetch right after sending as prefetches, and still credits the shopper after them', async () => {
    const { touchId, token, cartUrl } = link();
    const head = await visit(token, { method: 'HEAD' });
    expect(head.status).toBe(302);
    expect(head.headers.get('location')).toBe(cartUrl);
    const scanned = await visit(token, { userAgent: 'Mozilla/5.0 (compatible; Proofpoint URL Defense)' });
    expect(scanned.status).toBe(302);
    const prefetches = await awaitClicks(touchId, 2);
    expect(prefetches.map((d) => d.click)).toEqual([
      { credited: false, kind: 'prefetch', why: 'HEAD request' },
      { credited: false, kind: 'prefetch', why: 'scanner user agent: Proofpoint' },
    ]);

    expect((await visit(token)).status).toBe(302);
    const [, , shopper] = await awaitClicks(touchId, 3);
    expect(shopper?.click).toEqual({ credited: true, kind: 'first' });

    const fresh = link(0);
    expect((await visit(fresh.token)).status).toBe(302);
    const [scan] = await awaitClicks(fresh.touchId, 1);
    expect(scan?.click).toEqual({ credited: false, kind: 'prefetch', why: 'within 60000 ms of sending' });
  });

  it('credits exactly one of many concurrent GETs', async () => {
    const { touchId, token } = link();
    const responses = await Promise.all(Array.from({ length: 8 }, () => visit(token)));
    expect(responses.map((r) => r.status)).toEqual(Array(8).fill(302));
    const clicks = await awaitClicks(touchId, 8);
    expect(clicks.filter((d) => d.click?.credited)).toHaveLength(1);
    expect(clicks.filter((d) => d.click?.kind === 'repeat')).toHaveLength(7);
  });

  it('stops recording a touch past RESUME_RECORD_LIMIT per minute, never the redirect', async () => {
    const { touchId, token, cartUrl } = link();
    for (let i = 0; i < RECORD_LIMIT + 3; i++) {
      const res = await visit(token);
      expect([res.status, res.headers.get('location')]).toEqual([302, cartUrl]);
    }
    // A later click on the same cart (same key, same partition) shows everything before it was read.
    const marker = link();
    const markerToken = sealed({ touchId: marker.touchId, cartId: `cart-${touchId}`, cartUrl, ageMs: 3_600_000 });
    expect((await visit(markerToken)).status).toBe(302);
    await awaitClicks(marker.touchId, 1);
    expect(clicksOf(touchId)).toHaveLength(RECORD_LIMIT);
  });

  it('still takes a signed link sent before sealing, until it expires', async () => {
    const { touchId, token, cartUrl, expired } = legacyLink();
    const res = await visit(token);
    expect([res.status, res.headers.get('location')]).toEqual([302, cartUrl]);
    const [click] = await awaitClicks(touchId, 1);
    expect(click?.click).toEqual({ credited: true, kind: 'first' });
    expect((await visit(expired)).status).toBe(410);
  });

  it('issues tokens that read as nothing: no store, cart, touch or cart URL in the link', async () => {
    const { touchId, token } = link();
    const data = token.split('.')[2] ?? '';
    for (const reading of [token, Buffer.from(data, 'base64url').toString('latin1')])
      for (const clear of [touchId, 'store-a', 'shop.example']) expect(reading).not.toContain(clear);
    expect((await visit(token)).status).toBe(302);
    await awaitClicks(touchId, 1);
  });

  describe('only the token as issued', () => {
    // A token whose text holds '-' or '_', so that its standard-base64 twin is a different text.
    const withUrlSafeChars = () => {
      for (;;) {
        const l = link();
        if (/[-_]/.test(l.token)) return l;
      }
    };

    it.each([
      ['padded', (t: string) => `${t}=`],
      ['in the standard base64 alphabet', (t: string) => t.replaceAll('-', '+').replaceAll('_', '/')],
      ['with trailing garbage', (t: string) => `${t}!`],
      ['with U+0000', (t: string) => `${t}%00`],
      ['with a control character', (t: string) => `${t}%07`],
      ['absurdly long', (t: string) => `${t}${'!'.repeat(5000)}`],
    ])('answers a valid token %s with a plain 404 and records nothing', async (_what, variant) => {
      const { touchId, token } = withUrlSafeChars();
      const res = await visit(encodeURIComponent(variant(token)).replaceAll('%25', '%'));
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/text\/html/);
      expect(await res.text()).toContain('This link is not available');
      expect((await visit(token)).status).toBe(302); // the token itself is fine
      await awaitClicks(touchId, 1);
      expect(clicksOf(touchId)).toHaveLength(1);
    });
  });

  it('refuses a lone surrogate in the URL before the handler (it cannot be decoded) and records nothing', async () => {
    const { touchId, token } = link();
    const res = await visit(`${token}%ED%A0%80`);
    expect(res.status).toBe(400);
    expect(await res.text()).not.toMatch(/at .*\.js/);
    expect((await visit(token)).status).toBe(302);
    await awaitClicks(touchId, 1);
    expect(clicksOf(touchId)).toHaveLength(1);
  });

  it('redirects the shopper when the bookkeeping fails', async () => {
    const { touchId, token, cartUrl } = link();
    const db = sut.app.get(DataSource);
    await db.query('ALTER TABLE resume_clicks RENAME TO resume_clicks_away');
    try {
      const res = await visit(token);
      expect(res.status).toBe(302);
      expect(res.headers.get('location')).toBe(cartUrl);
    } finally {
      await db.query('ALTER TABLE resume_clicks_away RENAME TO resume_clicks');
    }
    // Nothing was recorded, so the touch's first click is still there to credit.
    expect((await visit(token)).status).toBe(302);
    const [click] = await awaitClicks(touchId, 1);
    expect(click?.click).toEqual({ credited: true, kind: 'first' });
  });
});
