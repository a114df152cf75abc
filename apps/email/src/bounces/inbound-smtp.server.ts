import type { AddressInfo, Socket } from 'node:net';
import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
  type OnModuleInit,
} from '@nestjs/common';
import { SMTPServer } from 'smtp-server';
import { errorMessage } from '@reclaim/core';
import { HealthRegistry } from '@reclaim/platform';
import { EMAIL_CONFIG, type EmailConfig } from '../config';
import { UnsubscribeMailbox } from '../unsubscribe/unsubscribe-mailbox.service';
import { readAtMost } from './domain/capped-buffer';
import { InboundReportsService, type InboundAnswer } from './inbound-reports.service';

const smtpError = (code: number, message: string) => Object.assign(new Error(message), { responseCode: code });

/**
 * The SMTP listener for bounces and complaints (EMAIL_INBOUND_SMTP_PORT; off when 0). It takes mail
 * only for the bounce address and its VERP forms, and for EMAIL_UNSUBSCRIBE_MAILBOX (unsubscribe
 * requests, one kind of recipient per message). It reads each report and answers 250
 * once what it says is on Kafka, 451 when that failed (the reporting server retries) and 550 for
 * a message that is no report of ours. Limits, so no client can starve the service that sends all
 * email: EMAIL_INBOUND_SMTP_MAX_BYTES per message (enforced while streaming, 552), at most
 * EMAIL_INBOUND_SMTP_MAX_CLIENTS connections (421 beyond), idle and whole-session timeouts;
 * it binds to loopback unless told otherwise. Its state is on /health as `inbound-smtp`.
 */
@Injectable()
export class InboundSmtpServer implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(InboundSmtpServer.name);
  private server: SMTPServer | undefined;
  private readonly sockets = new Set<Socket>();

  constructor(
    @Inject(EMAIL_CONFIG) private readonly config: EmailConfig,
    private readonly reports: InboundReportsService,
    private readonly unsubscribes: UnsubscribeMailbox,
    private readonly health: HealthRegistry,
  ) {}

  onModuleInit(): void {
    if (this.config.EMAIL_INBOUND_SMTP_PORT === 0) return;
    this.health.register('inbound-smtp', () => {
      const where = this.address();
      return where
        ? {
            up: true,
            detail: `listening on ${where.address}:${where.port}, ${this.sockets.size}/${this.config.EMAIL_INBOUND_SMTP_MAX_CLIENTS} clients`,
          }
        : { up: false, detail: 'not listening' };
    });
  }

  /** Where the listener is bound, while it listens. */
  address(): AddressInfo | undefined {
    const address = this.server?.server.listening ? this.server.server.address() : null;
    return address && typeof address === 'object' ? address : undefined;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.EMAIL_INBOUND_SMTP_PORT === 0) return;
    const limit = this.config.EMAIL_INBOUND_SMTP_MAX_BYTES;
    const server = new SMTPServer({
      name: this.config.EMAIL_BOUNCE_ADDRESS.split('@')[1],
      banner: 'Reclaim bounce and feedback receiver',
      authOptional: true,
      disabledCommands: ['AUTH'],
      size: limit,
      rejectOversized: true,
      maxClients: this.config.EMAIL_INBOUND_SMTP_MAX_CLIENTS,
      socketTimeout: this.config.EMAIL_INBOUND_SMTP_IDLE_TIMEOUT_MS,
      closeTimeout: 5_000,
      logger: false,
      onRcptTo: (address, session, callback) => {
        const kind = this.mailboxKind(address.address);
        if (!kind) {
          callback(smtpError(550, '5.1.1 no such mailbox here'));
          return;
        }
        // One answer covers the whole message: a sender retries a refused recipient in a message of its own.
        if (session.envelope.rcptTo.some((r) => this.mailboxKind(r.address) !== kind)) {
          callback(smtpError(452, '4.5.3 one kind of recipient per message, send this one separately'));
          return;
        }
        callback();
      },
      onData: (stream, session, callback) => {
        readAtMost(stream, limit)
          .then(async (raw) => {
            if (!raw) {
              callback(smtpError(552, '5.3.4 report too big'));
              return;
            }
            const answer = await this.receive(
              raw,
              session.envelope.rcptTo.map((r) => r.address),
            );
            if (answer.accepted) callback(null, answer.note);
            else callback(smtpError(answer.code, answer.message));
          })
          .catch((error: unknown) => {
            this.logger.warn({ msg: 'inbound report failed', error: errorMessage(error) });
            callback(smtpError(451, '4.3.0 could not read the report, try again later'));
          });
      },
    });
    server.on('error', (error) => this.logger.warn({ msg: 'inbound SMTP error', error: errorMessage(error) }));
    // smtp-server only has an idle timeout: cap each connection's whole life too (slow senders).
    server.server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      const timer = setTimeout(() => socket.destroy(), this.config.EMAIL_INBOUND_SMTP_SESSION_TIMEOUT_MS);
      timer.unref();
      socket.once('close', () => {
        clearTimeout(timer);
        this.sockets.delete(socket);
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.server.once('error', reject);
      server.listen(this.config.EMAIL_INBOUND_SMTP_PORT, this.config.EMAIL_INBOUND_SMTP_HOST, () => resolve());
    });
    this.server = server;
    this.logger.log({
      msg: 'taking bounces and complaints over SMTP',
      host: this.config.EMAIL_INBOUND_SMTP_HOST,
      port: this.config.EMAIL_INBOUND_SMTP_PORT,
      address: this.config.EMAIL_BOUNCE_ADDRESS,
      maxBytes: limit,
      maxClients: this.config.EMAIL_INBOUND_SMTP_MAX_CLIENTS,
    });
  }

  private mailboxKind(recipient: string): 'unsubscribe' | 'reports' | undefined {
    if (this.unsubscribes.accepts(recipient)) return 'unsubscribe';
    return this.reports.accepts(recipient) ? 'reports' : undefined;
  }

  /**
   * A report, or an unsubscribe request. Mail to the unsubscribe mailbox without a token of ours is
   * read as a report: some providers send their spam complaints (ARF) to the List-Unsubscribe mailto.
   */
  private async receive(raw: Buffer, recipients: string[]): Promise<InboundAnswer> {
    if (recipients.some((r) => this.unsubscribes.accepts(r))) {
      const answer = await this.unsubscribes.receive(raw, recipients);
      if (answer.kind === 'unsubscribed') return { accepted: true, note: answer.note };
      if (answer.kind === 'retry') return { accepted: false, code: 451, message: answer.message };
      const report = await this.reports.receive(raw, recipients);
      if (report.accepted || report.code !== 550) return report;
      return { accepted: false, code: 550, message: '5.6.0 no unsubscribe token of ours in the subject' };
    }
    return this.reports.receive(raw, recipients);
  }

  async beforeApplicationShutdown(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
