import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';

export interface CapturedMail {
  /** When the sender began handing this message over (its MAIL FROM command). */
  handoffAt: Date;
  receivedAt: Date;
  envelopeTo: string[];
  mail: ParsedMail;
  raw: string;
}

/** A real SMTP server on a free loopback port that keeps every message it receives. */
export class SmtpCapture {
  readonly mails: CapturedMail[] = [];
  /** Every RCPT TO answered 451 by deferRecipient, in order. */
  readonly deferred: Array<{ address: string; at: Date }> = [];
  private readonly handoffs = new Map<string, Date>();
  private readonly deferrals = new Map<string, number>();
  private server: SMTPServer | undefined;
  port = 0;

  async start(): Promise<this> {
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onRcptTo: (address, _session, callback) => {
        const left = this.deferrals.get(address.address) ?? 0;
        if (left <= 0) {
          callback();
          return;
        }
        this.deferrals.set(address.address, left - 1);
        this.deferred.push({ address: address.address, at: new Date() });
        callback(Object.assign(new Error('4.2.1 mailbox busy, try again later'), { responseCode: 451 }));
      },
      onMailFrom: (_address, session, callback) => {
        this.handoffs.set(session.id, new Date());
        callback();
      },
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          simpleParser(raw).then(
            (mail) => {
              this.mails.push({
                handoffAt: this.handoffs.get(session.id) ?? new Date(0),
                receivedAt: new Date(),
                envelopeTo: session.envelope.rcptTo.map((r) => r.address),
                mail,
                raw,
              });
              callback();
            },
            (error: unknown) => {
              callback(error instanceof Error ? error : new Error(String(error)));
            },
          );
        });
      },
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    this.port = (server as unknown as { server: { address(): AddressInfo } }).server.address().port;
    return this;
  }

  /** The next `times` deliveries to `address` are refused with 451 (try again later) at RCPT TO. */
  deferRecipient(address: string, times: number): void {
    this.deferrals.set(address, times);
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  to(address: string): CapturedMail[] {
    return this.mails.filter((m) => m.envelopeTo.includes(address));
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
