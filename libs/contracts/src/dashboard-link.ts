import { signToken, verifyToken, type TokenSecret } from '@reclaim/core';

/**
 * Dashboard links: a signed, expiring token `{ s, exp, use: 'dashboard' }` that signs one store
 * into the attribution dashboard (`GET /signin/<token>` sets the session cookie and redirects to
 * `/`). Tools that print links (the demo) and the attribution service share it, so it lives here.
 * The store's reports key never appears in a URL.
 */
export function dashboardLinkToken(storeId: string, secret: TokenSecret, now: Date, ttlMs: number): string {
  return signToken({ s: storeId, use: 'dashboard', exp: Math.floor((now.getTime() + ttlMs) / 1000) }, secret);
}

/** The store a dashboard-link token signs in, or undefined when it is forged, for another use or expired. */
export function readDashboardLinkToken(token: string, secret: TokenSecret, now: Date): string | undefined {
  const payload = verifyToken(token, secret);
  if (!payload || payload['use'] !== 'dashboard') return undefined;
  const { s, exp } = payload;
  if (typeof s !== 'string' || s.length === 0 || typeof exp !== 'number' || exp * 1000 <= now.getTime())
    return undefined;
  return s;
}
