import { request, type IncomingHttpHeaders } from 'node:http';
import { isIP, type LookupFunction } from 'node:net';
import { connect, rootCertificates, type TLSSocket } from 'node:tls';

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

const errorCode = (error: unknown): string | undefined => {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
};

/**
 * Opens TLS connections for push hand-offs. One connection per message, opened (TCP connect and
 * TLS handshake, certificate verified) before the last suppression check, so only writing the
 * request falls within the freshness bound (ADR 0005) — never an idle pooled socket that may
 * have died. Extra CAs (PUSH_EXTRA_CA_FILE) are added to the system roots for these connections
 * only; verification is never turned off.
 */
export class HttpsConnector {
  private readonly ca: string[] | undefined;

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
}

/** One TLS connection, ready for exactly one request. */
export class HttpsSession {
  private idleError: Error | undefined;
  private used = false;

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
  send(req: PreparedRequest): Promise<HttpsAnswer> {
    if (this.used) return Promise.reject(new Error('an HttpsSession carries one request'));
    this.used = true;
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
          headers: { ...req.headers, Host: req.url.host, 'Content-Length': req.body.length },
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
