import 'reflect-metadata';
import type { Server } from 'node:http';
import { dashboardLinkToken } from '@reclaim/contracts';
import { parseSigningKeys } from '@reclaim/core';
import { startServiceUnderTest, type ServiceUnderTest } from '@reclaim/testing';
import { startAttribution } from '../src/app';
import { AttributionConfig } from '../src/config';
import { SIGN_IN_FAILURES_ALLOWED, SIGN_IN_WINDOW_MS } from '../src/dashboard/sign-in-throttle';

/**
 * Guessing a reports key through the sign-in form is slowed down at the shipped limit: signing in
 * and out as often as one likes is never held up, but after SIGN_IN_FAILURES_ALLOWED failures an
 * address is refused (429 with Retry-After) for the window — even with the right key or a valid link.
 */
describe('dashboard sign-in limit (real service)', () => {
  const STORE = `limit-${Date.now().toString(36)}`;
  const KEY = 'limit-reports-key-0001';
  const SECRET = 'limit-dashboard-secret-0123456789abcdef';
  let sut: ServiceUnderTest<AttributionConfig>;
  let base: string;

  beforeAll(async () => {
    sut = await startServiceUnderTest({
      name: 'attribution-signin-limit',
      schema: AttributionConfig,
      start: (config) => startAttribution(config, { port: 0, host: '127.0.0.1' }),
      env: { REPORTS_API_KEYS: `${STORE}:${KEY}`, DASHBOARD_SECRET: SECRET },
    });
    base = `http://127.0.0.1:${((sut.app.getHttpServer() as Server).address() as { port: number }).port}`;
  }, 60_000);

  afterAll(async () => {
    await sut?.close();
  });

  const signIn = (key: string) =>
    fetch(`${base}/signin`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: base },
      body: new URLSearchParams({ key }).toString(),
    });

  it('never holds up successful sign-ins, and refuses an address after too many failures', async () => {
    for (let i = 0; i < 2 * SIGN_IN_FAILURES_ALLOWED; i++) expect((await signIn(KEY)).status).toBe(303);

    for (let i = 0; i < SIGN_IN_FAILURES_ALLOWED; i++) expect((await signIn(`wrong-key-${i}`)).status).toBe(401);

    const refused = await signIn(KEY);
    expect(refused.status).toBe(429);
    const wait = Number(refused.headers.get('retry-after'));
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(SIGN_IN_WINDOW_MS / 1000);
    expect(refused.headers.get('set-cookie')).toBeNull();
    expect(await refused.text()).toContain('Too many failed sign-ins');

    const token = dashboardLinkToken(STORE, parseSigningKeys(SECRET), new Date(), 60_000);
    const link = await fetch(`${base}/signin/${token}`, { redirect: 'manual' });
    expect(link.status).toBe(429);
  });
});
