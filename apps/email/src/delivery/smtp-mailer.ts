import { Inject, Injectable } from '@nestjs/common';
import MailComposer from 'nodemailer/lib/mail-composer';
import { parseConnectionUrl } from 'nodemailer/lib/shared';
import SMTPConnection, {
  type SMTPConnectionOptions,
  type SMTPConnectionSendInfo,
} from 'nodemailer/lib/smtp-connection';
import type { SmtpErrorFacts } from './domain/smtp-failure';
import { EMAIL_CONFIG, type EmailConfig } from '../config';

export interface OutgoingEmail {
  from: string;
  to: string;
  subject: string;
  html: string;
  text: string;
  messageId: string;
  headers: Record<string, string>;
  /** The envelope sender (MAIL FROM, where bounces go), when it is not the From address. */
  envelopeFrom?: string;
}

/** A message built to its final bytes, ready to be handed over in one go. */
export interface ComposedEmail {
  envelope: { from: string | false; to: string[] };
  raw: Buffer;
  messageId: string;
}

/**
 * One open SMTP connection: greeted, EHLO answered, STARTTLS and AUTH done. Nothing of a message
 * has been said yet, so the caller can still decide not to send (ADR 0005: the last suppression
 * check sits between `open()` and `handOver()`).
 */
export interface SmtpSession {
  /** MAIL FROM, RCPT TO, DATA: the moment the provider gets the message. Closes the session. */
  handOver(message: ComposedEmail): Promise<{ messageId: string }>;
  /** Ends the session (QUIT) without sending anything; safe to call more than once. */
  close(): void;
}

/**
 * The SMTP provider adapter, on nodemailer's SMTPConnection rather than its transport, so the
 * connection (TCP, greeting, EHLO, STARTTLS, AUTH) is set up before the caller's last check and
 * only the message itself (MAIL FROM, RCPT TO, DATA) follows it. One connection per message:
 * no connection is ever reused, so there is no idle socket that may have died in between.
 * Errors are thrown as nodemailer raised them (see {@link smtpErrorFacts}).
 */
@Injectable()
export class SmtpMailer {
  private readonly options: SMTPConnectionOptions;
  private readonly auth: { user: string; pass: string } | undefined;

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

  /** Builds the MIME message and its envelope (no network). */
  async compose(email: OutgoingEmail): Promise<ComposedEmail> {
    const node = new MailComposer({
      from: email.from,
      to: email.to,
      subject: email.subject,
      html: email.html,
      text: email.text,
      messageId: email.messageId,
      headers: email.headers,
      ...(email.envelopeFrom ? { envelope: { from: email.envelopeFrom, to: email.to } } : {}),
    }).compile();
    const envelope = node.getEnvelope();
    return { envelope: { from: envelope.from, to: envelope.to }, raw: await node.build(), messageId: node.messageId() };
  }

  /** Connects, reads the greeting, says EHLO (STARTTLS when offered) and logs in if the URL has credentials. */
  async open(): Promise<SmtpSession> {
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
}

class Session implements SmtpSession {
  /** Set when the connection broke or ended while no step was running. */
  private broken: Error | undefined;
  private failCurrent: ((error: Error) => void) | undefined;
  private closed = false;
  private handedOver = false;

  constructor(private readonly connection: SMTPConnection) {
    connection.on('error', (error: Error) => this.fail(error));
    connection.on('end', () => this.fail(Object.assign(new Error('SMTP connection closed'), { code: 'ECONNECTION' })));
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
    if (this.handedOver) throw new Error('an SMTP session carries one message');
    if (this.broken || this.closed) {
      // Nothing of the message was said: certainly not taken (classified like a failed connect).
      const cause = this.broken ?? new Error('SMTP session already closed');
      throw Object.assign(new Error(`SMTP connection lost before the message: ${cause.message}`, { cause }), {
        code: 'ECONNECTION',
        command: 'CONN',
      });
    }
    this.handedOver = true;
    try {
      await this.step<SMTPConnectionSendInfo>((done) =>
        this.connection.send(message.envelope, message.raw, (err, info) => done(err, info)),
      );
      return { messageId: message.messageId };
    } finally {
      this.close();
    }
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
