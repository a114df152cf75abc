import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { parseConnectionUrl } from 'nodemailer/lib/shared';
import SMTPConnection, {
  type SMTPConnectionOptions,
  type SMTPConnectionSendInfo,
} from 'nodemailer/lib/smtp-connection';
import { IdlePool, type PooledSession } from '@reclaim/delivery';
import type { ComposedEmail } from '../content/mime';
import type { SmtpErrorFacts } from './domain/smtp-failure';
import { EMAIL_CONFIG, type EmailConfig } from '../config';

/**
 * One open SMTP connection: greeted, EHLO answered, STARTTLS and AUTH done, and — when it comes
 * from the pool — just answered RSET. Nothing of a message has been said in this transaction, so
 * the caller can still decide not to send (ADR 0005: the last suppression check sits between
 * `open()` and `handOver()`).
 */
export interface SmtpSession {
  /** MAIL FROM, RCPT TO, DATA: the moment the provider gets the message. */
  handOver(message: ComposedEmail): Promise<{ messageId: string }>;
}

/** Idle connections kept per service instance, how long one may idle, and how many messages one carries. */
const MAX_IDLE = 16;
const MAX_IDLE_MS = 30_000;
const MAX_MESSAGES_PER_CONNECTION = 100;

/**
 * The SMTP provider adapter, on nodemailer's SMTPConnection rather than its transport, so the
 * connection (TCP, greeting, EHLO, STARTTLS, AUTH) is set up before the caller's last check and
 * only the message itself (MAIL FROM, RCPT TO, DATA) follows it. Connections that carried a
 * message cleanly go back to a small pool; one taken from it is verified alive with RSET before it
 * is returned by `open()` — before the check, so a dead idle socket costs a reconnect, never a
 * step after the check. Errors are thrown as nodemailer raised them (see {@link smtpErrorFacts}).
 */
@Injectable()
export class SmtpMailer implements OnApplicationShutdown {
  private readonly options: SMTPConnectionOptions;
  private readonly auth: { user: string; pass: string } | undefined;
  private readonly idle = new IdlePool<Session>(MAX_IDLE);

  constructor(@Inject(EMAIL_CONFIG) config: EmailConfig) {
    const { auth, ...url } = parseConnectionUrl(config.SMTP_URL);
    this.auth = auth;
    this.options = {
      ...(url as SMTPConnectionOptions),
      connectionTimeout: config.SMTP_TIMEOUT_MS,
      greetingTimeout: config.SMTP_TIMEOUT_MS,
      socketTimeout: config.SMTP_TIMEOUT_MS * 2,
      logger: false,
    };
  }

  /** A pooled connection that answers RSET, else a new one: connected, greeted, EHLO (STARTTLS when offered), logged in. */
  async open(): Promise<SmtpSession> {
    for (let session = this.idle.take(); session; session = this.idle.take()) {
      try {
        await session.step((done) => session.connection.reset((err) => done(err)));
        return session;
      } catch {
        session.close();
      }
    }
    const connection = new SMTPConnection(this.options);
    const session = new Session(connection);
    try {
      await session.step((done) => connection.connect((err) => done(err ?? null)));
      if (this.auth && connection.allowsAuth) {
        const auth = this.auth;
        await session.step((done) => connection.login(auth, (err) => done(err)));
      }
      return session;
    } catch (error) {
      session.close();
      throw error;
    }
  }

  /** Back to the pool when it carried its message cleanly (or nothing) and can carry more; else closed. */
  release(smtp: SmtpSession, reusable: boolean): void {
    const session = smtp as Session;
    if (reusable && session.messages < MAX_MESSAGES_PER_CONNECTION) this.idle.give(session, Date.now() + MAX_IDLE_MS);
    else session.close();
  }

  onApplicationShutdown(): void {
    this.idle.closeAll();
  }
}

class Session implements SmtpSession, PooledSession {
  /** Set when the connection broke or ended while no step was running. */
  private broken: Error | undefined;
  private failCurrent: ((error: Error) => void) | undefined;
  private closed = false;
  messages = 0;

  constructor(readonly connection: SMTPConnection) {
    connection.on('error', (error: Error) => this.fail(error));
    connection.on('end', () => this.fail(Object.assign(new Error('SMTP connection closed'), { code: 'ECONNECTION' })));
  }

  alive(): boolean {
    return !this.broken && !this.closed;
  }

  /** Runs one SMTP exchange; an error event on the connection while it runs fails it too. */
  step<T>(run: (done: (err: Error | null, value?: T) => void) => void): Promise<T> {
    if (this.broken) return Promise.reject(this.broken);
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const settle = (err: Error | null, value?: T) => {
        if (settled) return;
        settled = true;
        this.failCurrent = undefined;
        if (err) reject(err);
        else resolve(value as T);
      };
      this.failCurrent = (error) => settle(error);
      run(settle);
    });
  }

  async handOver(message: ComposedEmail): Promise<{ messageId: string }> {
    if (this.broken || this.closed) {
      // Nothing of the message was said: certainly not taken (classified like a failed connect).
      const cause = this.broken ?? new Error('SMTP session already closed');
      throw Object.assign(new Error(`SMTP connection lost before the message: ${cause.message}`, { cause }), {
        code: 'ECONNECTION',
        command: 'CONN',
      });
    }
    this.messages++;
    await this.step<SMTPConnectionSendInfo>((done) =>
      this.connection.send(message.envelope, message.raw, (err, info) => done(err, info)),
    );
    return { messageId: message.messageId };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.connection.quit();
  }

  private fail(error: Error): void {
    if (this.failCurrent) this.failCurrent(error);
    else if (!this.closed) this.broken ??= error;
  }
}

/** The facts of a nodemailer error the classifier looks at (anything else: none). */
export function smtpErrorFacts(error: unknown): SmtpErrorFacts {
  if (typeof error !== 'object' || error === null) return {};
  const e = error as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  return {
    code: str(e['code']),
    responseCode: typeof e['responseCode'] === 'number' ? e['responseCode'] : undefined,
    command: str(e['command']),
    originalCode: str(e['originalCode']),
    timeoutType: str(e['timeoutType']),
    response: str(e['response']),
  };
}
