import { request, type IncomingMessage } from 'node:http';
import { connect as netConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { parseRetryAfter } from '@reclaim/core';
import { IdlePool, keepAliveDeadline, type PooledSession } from '@reclaim/delivery';
import { SMS_CONFIG, type SmsConfig } from '../config';
import type { ProviderFailureFacts } from './domain/provider-failure';
import {
  SmsProviderError,
  SmsWriteDeadlineMissedError,
  type AcceptedSms,
  type OutgoingSms,
  type SmsProvider,
  type SmsSession,
} from './sms-provider';

const MAX_ANSWER_BYTES = 64 * 1024;
/** Idle keep-alive connections kept per service instance. */
const MAX_IDLE = 16;

const errorCode = (error: unknown): string | undefined => {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
};

/**
 * Twilio's Programmable Messaging REST API (or any server speaking it): `POST
 * {base}/2010-04-01/Accounts/{AccountSid}/Messages.json`, form-encoded `To`, `From` or
 * `MessagingServiceSid`, `Body`, `StatusCallback`, HTTP Basic auth (account SID, auth token).
 * 201 answers the Message resource (`sid`, `status`); errors answer `{ code, message, more_info,
 * status }`.
 *
 * A connection is open (TCP, TLS) before the caller's last suppression check, so only writing the
 * request follows that check. Connections are kept alive between messages (HTTP/1.1), but only
 * until a margin before the keep-alive timeout the provider advertised (`keepAliveDeadline`) and
 * only while no FIN or error came in while idle: a provider closing an idle connection under a
 * request just written would leave that message's fate unknown, and the margin keeps that from
 * happening. Anything else is a new connection, made before the check like the first.
 */
@Injectable()
export class TwilioSmsProvider implements SmsProvider, OnApplicationShutdown {
  private readonly base: URL;
  private readonly idle = new IdlePool<TwilioSession>(MAX_IDLE);

  constructor(@Inject(SMS_CONFIG) private readonly config: SmsConfig) {
    this.base = new URL(config.SMS_PROVIDER_BASE_URL);
  }

  async open(): Promise<SmsSession> {
    const pooled = this.idle.take();
    if (pooled) return pooled;
    const secure = this.base.protocol === 'https:';
    const host = this.base.hostname.replace(/^\[|\]$/g, '');
    const port = Number(this.base.port || (secure ? 443 : 80));
    const timeoutMs = this.config.SMS_PROVIDER_TIMEOUT_MS;
    const socket: Socket = secure
      ? tlsConnect({ host, port, servername: isIP(host) ? undefined : host, ALPNProtocols: ['http/1.1'] })
      : netConnect({ host, port });
    await new Promise<void>((resolve, reject) => {
      const fail = (facts: ProviderFailureFacts, message: string, cause?: unknown) => {
        clearTimeout(timer);
        socket.destroy();
        reject(new SmsProviderError(message, facts, { cause }));
      };
      const timer = setTimeout(
        () => fail({ stage: 'connect', networkCode: 'TIMEOUT' }, `no connection within ${timeoutMs} ms`),
        timeoutMs,
      );
      socket.once('error', (error) =>
        fail({ stage: 'connect', networkCode: errorCode(error) }, `connect: ${error.message}`, error),
      );
      socket.once(secure ? 'secureConnect' : 'connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        socket.setNoDelay(true);
        resolve();
      });
    });
    return new TwilioSession(socket, {
      host: this.base.host,
      path: `${this.base.pathname.replace(/\/+$/, '')}/2010-04-01/Accounts/${encodeURIComponent(this.config.SMS_ACCOUNT_SID)}/Messages.json`,
      authorization: `Basic ${Buffer.from(`${this.config.SMS_ACCOUNT_SID}:${this.config.SMS_AUTH_TOKEN}`).toString('base64')}`,
      timeoutMs,
    });
  }

  /** A connection that carried its request cleanly waits for the next one while the provider keeps it alive. */
  release(sms: SmsSession, reusable: boolean): void {
    const session = sms as TwilioSession;
    const until = session.reusableUntil;
    if (reusable && until !== undefined) this.idle.give(session, until);
    else session.close();
  }

  onApplicationShutdown(): void {
    this.idle.closeAll();
  }
}

class TwilioSession implements SmsSession, PooledSession {
  /** Set when the connection broke while idle, between requests. */
  private broken: Error | undefined;
  private busy = false;
  private closed = false;
  /** After an answer on a kept-alive connection: until when it may carry another request. */
  reusableUntil: number | undefined;

  constructor(
    private readonly socket: Socket,
    private readonly target: { host: string; path: string; authorization: string; timeoutMs: number },
  ) {
    const onIdleFailure = (error?: Error) => {
      if (!this.busy) this.broken ??= error ?? new Error('connection closed by the provider');
    };
    socket.on('error', onIdleFailure);
    socket.once('close', () => onIdleFailure());
  }

  alive(): boolean {
    return !this.broken && !this.closed && !this.socket.destroyed && this.socket.readable && this.socket.writable;
  }

  send(message: OutgoingSms, writeBy: number): Promise<AcceptedSms> {
    if (this.busy) return Promise.reject(new Error('a provider session carries one request at a time'));
    if (this.broken || this.closed || this.socket.destroyed) {
      const cause = this.broken ?? new Error('connection already closed');
      return Promise.reject(
        new SmsProviderError(
          `connection lost before the request: ${cause.message}`,
          { stage: 'before_write', networkCode: errorCode(cause) ?? 'ECONNCLOSED' },
          { cause },
        ),
      );
    }
    const form = new URLSearchParams({ To: message.to });
    if (message.sender.kind === 'number') form.set('From', message.sender.from);
    else form.set('MessagingServiceSid', message.sender.messagingServiceSid);
    form.set('Body', message.body);
    if (message.statusCallback) form.set('StatusCallback', message.statusCallback);
    const body = Buffer.from(form.toString(), 'utf8');

    // The freshness bound ends here: past it, nothing is written.
    const late = Date.now() - writeBy;
    if (late > 0) return Promise.reject(new SmsWriteDeadlineMissedError(late));
    this.busy = true;
    this.reusableUntil = undefined;

    return new Promise<AcceptedSms>((resolve, reject) => {
      let settled = false;
      const settle = (error: Error | undefined, value?: AcceptedSms) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.busy = false;
        if (error) {
          this.close();
          reject(error);
        } else if (value) resolve(value);
      };
      const afterWrite = (error: Error, code: string | undefined) =>
        settle(
          new SmsProviderError(
            `no answer after the request was written: ${error.message}`,
            { stage: 'after_write', networkCode: code ?? 'ECONNRESET' },
            { cause: error },
          ),
        );
      const req = request({
        method: 'POST',
        path: this.target.path,
        setHost: false,
        headers: {
          Host: this.target.host,
          Authorization: this.target.authorization,
          'Content-Type': 'application/x-www-form-urlencoded',
          'Content-Length': body.length,
          Accept: 'application/json',
          Connection: 'keep-alive',
          'User-Agent': 'reclaim-sms',
        },
        createConnection: () => this.socket,
      });
      const timer = setTimeout(() => {
        const error = Object.assign(new Error(`no answer within ${this.target.timeoutMs} ms`), { code: 'TIMEOUT' });
        afterWrite(error, 'TIMEOUT');
        req.destroy(error);
      }, this.target.timeoutMs);
      req.on('error', (error) => afterWrite(error, errorCode(error)));
      req.on('response', (res) => {
        readAnswer(res).then(
          (answer) => {
            this.reusableUntil = keepAliveDeadline(res.headers, Date.now());
            settle(...interpret(res.statusCode ?? 0, answer, parseRetryAfter(res.headers['retry-after'], new Date())));
          },
          (error: unknown) =>
            afterWrite(error instanceof Error ? error : new Error(String(error)), errorCode(error) ?? 'ECONNRESET'),
        );
      });
      req.end(body);
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.destroy();
  }
}

function readAnswer(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_ANSWER_BYTES) chunks.push(chunk);
    });
    res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.on('aborted', () => reject(Object.assign(new Error('answer cut off'), { code: 'ECONNRESET' })));
    res.on('error', reject);
  });
}

function parseJson(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** 2xx with a message SID: accepted. Anything else: an answered failure with the provider's code. */
function interpret(status: number, text: string, retryAfterMs: number | undefined): [Error | undefined, AcceptedSms?] {
  const json = parseJson(text);
  const sid = json['sid'];
  if (status >= 200 && status < 300 && typeof sid === 'string' && sid !== '') {
    return [undefined, { sid, status: typeof json['status'] === 'string' ? json['status'] : 'accepted' }];
  }
  const code = typeof json['code'] === 'number' ? json['code'] : undefined;
  const message = typeof json['message'] === 'string' ? json['message'] : text.slice(0, 200);
  return [
    new SmsProviderError(`provider answered ${status}${code === undefined ? '' : ` (${code})`}: ${message}`, {
      stage: 'answered',
      httpStatus: status,
      providerCode: code,
      retryAfterMs,
    }),
  ];
}
