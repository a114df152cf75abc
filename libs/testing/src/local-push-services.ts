import { execFileSync } from 'node:child_process';
import { createECDH, createPublicKey, randomBytes, type ECDH } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decrypt } from 'http_ece';
import { verify, type JwtPayload } from 'jsonwebtoken';

/**
 * A throw-away certificate authority and a server certificate for 127.0.0.1 signed by it (openssl).
 * The service trusts the CA through PUSH_EXTRA_CA_FILE, for its own push connections only.
 */
export class TestCertificates {
  readonly dir = mkdtempSync(join(tmpdir(), 'reclaim-push-tls-'));
  readonly caFile = join(this.dir, 'ca.pem');
  readonly key: string;
  readonly cert: string;

  constructor() {
    const run = (...args: string[]) => execFileSync('openssl', args, { cwd: this.dir, stdio: 'pipe' });
    run(
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=Reclaim push test CA',
      '-keyout',
      'ca.key',
      '-out',
      'ca.pem',
    );
    run(
      'req',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-subj',
      '/CN=127.0.0.1',
      '-keyout',
      'server.key',
      '-out',
      'server.csr',
    );
    writeFileSync(join(this.dir, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
    run(
      'x509',
      '-req',
      '-in',
      'server.csr',
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-days',
      '1',
      '-extfile',
      'ext.cnf',
      '-out',
      'server.pem',
    );
    this.key = readFileSync(join(this.dir, 'server.key'), 'utf8');
    this.cert = readFileSync(join(this.dir, 'server.pem'), 'utf8');
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** What a browser holds for one push subscription: the key pair and auth secret it gave the store. */
export class BrowserSubscription {
  readonly ecdh: ECDH = createECDH('prime256v1');
  readonly auth = randomBytes(16).toString('base64url');
  readonly p256dh: string;

  constructor(readonly endpoint: string) {
    this.ecdh.generateKeys();
    this.p256dh = this.ecdh.getPublicKey().toString('base64url');
  }

  toEvent(): { endpoint: string; keys: { p256dh: string; auth: string } } {
    return { endpoint: this.endpoint, keys: { p256dh: this.p256dh, auth: this.auth } };
  }

  /** Decrypts an aes128gcm push message body as the browser would. */
  open(body: Buffer): unknown {
    return JSON.parse(
      decrypt(body, { version: 'aes128gcm', privateKey: this.ecdh, authSecret: this.auth }).toString('utf8'),
    );
  }
}

export interface ReceivedRequest {
  path: string;
  /** When the request's head arrived (ms since the epoch): the moment the hand-off began. */
  at: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** Verifies a VAPID `Authorization: vapid t=<jwt>, k=<key>` header (RFC 8292) for an endpoint; returns the claims. */
export function verifyVapid(header: string | undefined, endpoint: string, expectedPublicKey: string): JwtPayload {
  const match = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(header ?? '');
  if (!match?.[1] || !match[2]) throw new Error(`not a VAPID Authorization header: ${header ?? '(none)'}`);
  if (match[2] !== expectedPublicKey) throw new Error('VAPID k= is not our public key');
  const raw = Buffer.from(match[2], 'base64url');
  const key = createPublicKey({
    key: {
      kty: 'EC',
      crv: 'P-256',
      x: raw.subarray(1, 33).toString('base64url'),
      y: raw.subarray(33, 65).toString('base64url'),
    },
    format: 'jwk',
  });
  const claims = verify(match[1], key, { algorithms: ['ES256'], audience: new URL(endpoint).origin });
  if (typeof claims === 'string') throw new Error('VAPID JWT without claims');
  return claims;
}

/** An answer, or `hang`: read the request and never answer (a push service that took it and went silent). */
type Reply = { status: number; headers?: Record<string, string>; body?: unknown } | 'hang';
type Route = (req: ReceivedRequest) => Reply;

/**
 * One local HTTPS server playing a web push service (any path under /push/) and FCM (the OAuth2
 * token endpoint at /token and HTTP v1 `messages:send`). Records every request it received.
 */
export class LocalPushServices {
  readonly received: ReceivedRequest[] = [];
  private readonly routes = new Map<string, Route>();
  private server: Server | undefined;
  port = 0;

  constructor(private readonly tls: TestCertificates) {}

  get origin(): string {
    return `https://127.0.0.1:${this.port}`;
  }

  /** How the server answers requests to a path (default: 404). */
  on(path: string, route: Route): void {
    this.routes.set(path, route);
  }

  requestsTo(path: string): ReceivedRequest[] {
    return this.received.filter((r) => r.path === path);
  }

  async start(): Promise<this> {
    this.server = createServer({ key: this.tls.key, cert: this.tls.cert }, (req, res) => {
      const at = Date.now();
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const received: ReceivedRequest = {
          path: req.url ?? '',
          at,
          headers: req.headers,
          body: Buffer.concat(chunks),
        };
        this.received.push(received);
        const route = this.routes.get(received.path);
        let reply: Reply;
        try {
          reply = route ? route(received) : { status: 404 };
        } catch (error) {
          reply = { status: 400, body: { error: { message: (error as Error).message } } };
        }
        if (reply === 'hang') return;
        const body = reply.body === undefined ? '' : JSON.stringify(reply.body);
        res.writeHead(reply.status, { 'Content-Type': 'application/json', ...reply.headers });
        res.end(body);
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
