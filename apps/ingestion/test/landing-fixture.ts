import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resumeLink } from '@reclaim/contracts';

/** A 1×1 PNG, served by the specs' own image host. */
export const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

/** Item images for the landing specs: any `*.png` path answers the PNG (plain http: allowed outside production). */
export async function startImageHost(): Promise<{ base: string; requests: string[]; close(): Promise<void> }> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(req.url ?? '');
    res.writeHead(req.url?.endsWith('.png') ? 200 : 404, { 'content-type': 'image/png' });
    res.end(PNG);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A resume token as a channel seals it (issued an hour ago). */
export function sealedLink(secret: string, o: { s: string; c: string; t: string; u: string; exp?: number }): string {
  const iat = Math.floor(Date.now() / 1000) - 3600;
  const exp = o.exp ?? iat + 7200;
  const link = resumeLink('', secret, {
    storeId: o.s,
    cartId: o.c,
    touchId: o.t,
    channel: 'email',
    cartUrl: o.u,
    now: new Date(iat * 1000),
    ttlMs: (exp - iat) * 1000,
  });
  return link.slice('/r/'.length);
}
