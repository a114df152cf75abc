import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { SMTPServer, type SMTPServerDataStream } from 'smtp-server';
import { errorMessage } from '@reclaim/core';
import { EMAIL_CONFIG, type EmailConfig } from '../config';
import { InboundReportsService } from './inbound-reports.service';

/** Reports carry at most the original message's headers or the message itself: ours are small. */
const MAX_REPORT_BYTES = 1024 * 1024;

const smtpError = (code: number, message: string) => Object.assign(new Error(message), { responseCode: code });

/**
 * The SMTP listener for bounces and complaints (EMAIL_INBOUND_SMTP_PORT; off when 0). It takes mail
 * only for the bounce address and its VERP forms, reads each message as a report and answers 250
 * once what it says is on Kafka, 451 when that failed (the reporting server retries) and 550 for
 * a message that is no report of ours.
 */
@Injectable()
export class InboundSmtpServer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(InboundSmtpServer.name);
  private server: SMTPServer | undefined;

  constructor(
    @Inject(EMAIL_CONFIG) private readonly config: EmailConfig,
    private readonly reports: InboundReportsService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.EMAIL_INBOUND_SMTP_PORT === 0) return;
    const server = new SMTPServer({
      name: this.config.EMAIL_BOUNCE_ADDRESS.split('@')[1],
      banner: 'Reclaim bounce and feedback receiver',
      authOptional: true,
      disabledCommands: ['AUTH'],
      size: MAX_REPORT_BYTES,
      logger: false,
      onRcptTo: (address, _session, callback) => {
        if (this.reports.accepts(address.address)) {
          callback();
          return;
        }
        callback(smtpError(550, '5.1.1 no such mailbox here'));
      },
      onData: (stream, session, callback) => {
        this.read(stream)
          .then(async (raw) => {
            if (!raw) {
              callback(smtpError(552, '5.3.4 report too big'));
              return;
            }
            const answer = await this.reports.receive(
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
    await new Promise<void>((resolve, reject) => {
      server.server.once('error', reject);
      server.listen(this.config.EMAIL_INBOUND_SMTP_PORT, this.config.EMAIL_INBOUND_SMTP_HOST, () => resolve());
    });
    this.server = server;
    this.logger.log({
      msg: 'taking bounces and complaints over SMTP',
      port: this.config.EMAIL_INBOUND_SMTP_PORT,
      address: this.config.EMAIL_BOUNCE_ADDRESS,
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The message's bytes, or undefined when it exceeded the size limit. */
  private async read(stream: SMTPServerDataStream): Promise<Buffer | undefined> {
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return stream.sizeExceeded ? undefined : Buffer.concat(chunks);
  }
}
