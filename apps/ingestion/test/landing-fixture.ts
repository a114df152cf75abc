import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { signToken } from '@reclaim/core';

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

/** A resume token as a channel signs it (issued an hour ago). */
export function signedLink(secret: string, o: { s: string; c: string; t: string; u: string; exp?: number }): string {
  const now = Math.floor(Date.now() / 1000);
  return signToken({ s: o.s, c: o.c, t: o.t, ch: 'email', u: o.u, iat: now - 3600, exp: o.exp ?? now + 3600 }, secret);
}
