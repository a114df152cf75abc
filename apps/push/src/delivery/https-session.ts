import { request, type IncomingHttpHeaders } from 'node:http';
import { isIP, type LookupFunction } from 'node:net';
import { connect, rootCertificates, type TLSSocket } from 'node:tls';
import { IdlePool, keepAliveDeadline, type PooledSession } from '@reclaim/delivery';

/** A request built before the suppression check, written only after it. */
export interface PreparedRequest {
  url: URL;
  method: 'POST';
  headers: Record<string, string | number>;
  body: Buffer;
}

export interface HttpsAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** A request that ended without an answer; `written` says whether any of it may have reached the server. */
export class HandoffFailure extends Error {
  constructor(
    message: string,
    readonly written: boolean,
    readonly timedOut: boolean,
    readonly code: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = HandoffFailure.name;
  }
}

const MAX_ANSWER_BYTES = 64 * 1024;
/** Idle keep-alive connections kept per origin. */
const MAX_IDLE_PER_ORIGIN = 8;

const errorCode = (error: unknown): string | undefined => {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
};

/**
 * Opens TLS connections for push hand-offs, before the last suppression check (TCP connect and TLS
 * handshake, certificate verified), so only writing the request falls within the freshness bound
 * (ADR 0005). A connection that carried a request cleanly is kept alive for the next request to
 * the same origin, but only until a margin before the keep-alive timeout the server advertised and
 * while nothing came in while it idled (`IdlePool`, `keepAliveDeadline`); otherwise a new one is
 * made, still before the check. Extra CAs (PUSH_EXTRA_CA_FILE) are added to the system roots for
 * these connections only; verification is never turned off.
 */
export class HttpsConnector {
  private readonly ca: string[] | undefined;
  private readonly idle = new Map<string, IdlePool<HttpsSession>>();

  constructor(
    extraCa: string | undefined,
    private readonly timeoutMs: number,
  ) {
    this.ca = extraCa ? [...rootCertificates, extraCa] : undefined;
  }

  /**
   * Connects to the URL's origin; a failure here is before anything was written. `lookup` replaces
   * the host lookup of this socket (the endpoint guard's, which refuses non-public addresses).
   */
  open(url: URL, lookup?: LookupFunction): Promise<HttpsSession> {
    const pooled = this.idle.get(url.origin)?.take();
    if (pooled) return Promise.resolve(pooled);
    if (url.protocol !== 'https:')
      return Promise.reject(new HandoffFailure(`not an https URL: ${url.origin}`, false, false, 'ENOTHTTPS'));
    const host = url.hostname.replace(/^\[|\]$/g, '');
    return new Promise((resolve, reject) => {
      const socket = connect({
        host,
        port: Number(url.port || 443),
        ...(isIP(host) ? {} : { servername: host }),
        ...(this.ca ? { ca: this.ca } : {}),
        ...(lookup ? { lookup } : {}),
        ALPNProtocols: ['http/1.1'],
      });
      const timer = setTimeout(
        () => socket.destroy(Object.assign(new Error(`TLS connect to ${url.origin} timed out`), { code: 'ETIMEDOUT' })),
        this.timeoutMs,
      );
      socket.once('secureConnect', () => {
        clearTimeout(timer);
        socket.removeListener('error', onError);
        resolve(new HttpsSession(socket, url.origin, this.timeoutMs));
      });
      const onError = (error: Error) => {
        clearTimeout(timer);
        reject(
          new HandoffFailure(
            `cannot connect to ${url.origin}: ${error.message}`,
            false,
            errorCode(error) === 'ETIMEDOUT',
            errorCode(error),
            { cause: error },
          ),
        );
      };
      socket.once('error', onError);
    });
  }

  /** Kept for the next request to its origin when it carried this one cleanly and the server keeps it alive; else closed. */
  release(session: HttpsSession, reusable: boolean): void {
    const until = session.reusableUntil;
    if (!reusable || until === undefined) {
      session.close();
      return;
    }
    let pool = this.idle.get(session.origin);
    if (!pool) this.idle.set(session.origin, (pool = new IdlePool<HttpsSession>(MAX_IDLE_PER_ORIGIN)));
    pool.give(session, until);
  }

  closeIdle(): void {
    for (const pool of this.idle.values()) pool.closeAll();
  }
}

/** One TLS connection, ready for a request (one at a time). */
export class HttpsSession implements PooledSession {
  private idleError: Error | undefined;
  private busy = false;
  /** After an answer on a kept-alive connection: until when it may carry another request. */
  reusableUntil: number | undefined;

  constructor(
    private readonly socket: TLSSocket,
    readonly origin: string,
    private readonly timeoutMs: number,
  ) {
    // While we check suppressions the server may close the idle connection: remember, don't crash.
    socket.on('error', (error) => {
      this.idleError ??= error;
    });
  }

  /**
   * Writes the request and reads the answer. Rejects with a HandoffFailure: `written: false` only
   * when nothing was written (the connection was already gone); any failure after writing began,
   * a timeout included, is `written: true` — the server may have taken it.
   */
  alive(): boolean {
    return !this.idleError && !this.socket.destroyed && this.socket.readable && this.socket.writable;
  }

  send(req: PreparedRequest): Promise<HttpsAnswer> {
    if (this.busy) return Promise.reject(new Error('an HttpsSession carries one request at a time'));
    this.busy = true;
    this.reusableUntil = undefined;
    if (this.idleError || this.socket.destroyed || !this.socket.writable) {
      const cause = this.idleError;
      return Promise.reject(
        new HandoffFailure(
          `connection to ${this.origin} closed before the request`,
          false,
          false,
          errorCode(cause) ?? 'ECONNRESET',
          { cause },
        ),
      );
    }
    return new Promise((resolve, reject) => {
      let settled = false;
      const fail = (error: Error, timedOut: boolean) => {
        if (settled) return;
        settled = true;
        this.busy = false;
        this.socket.destroy();
        reject(
          new HandoffFailure(`no answer from ${this.origin}: ${error.message}`, true, timedOut, errorCode(error), {
            cause: error,
          }),
        );
      };
      const r = request(
        {
          method: req.method,
          path: `${req.url.pathname}${req.url.search}`,
          headers: { ...req.headers, Host: req.url.host, 'Content-Length': req.body.length, Connection: 'keep-alive' },
          createConnection: () => this.socket,
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size <= MAX_ANSWER_BYTES) chunks.push(chunk);
          });
          res.on('end', () => {
            if (settled) return;
            settled = true;
            this.busy = false;
            this.reusableUntil = keepAliveDeadline(res.headers, Date.now());
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) });
          });
          res.on('error', (error) => fail(error, false));
        },
      );
      r.setTimeout(this.timeoutMs, () => {
        const error = Object.assign(new Error(`timed out after ${this.timeoutMs} ms`), { code: 'ETIMEDOUT' });
        fail(error, true);
        r.destroy(error);
      });
      r.on('error', (error) => fail(error, false));
      r.end(req.body);
    });
  }

  close(): void {
    this.socket.destroy();
  }
}
