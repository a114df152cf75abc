import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';

export interface CapturedMail {
  /** When the sender began handing this message over (its MAIL FROM command). */
  handoffAt: Date;
  receivedAt: Date;
  envelopeTo: string[];
  /** The name the sender gave in EHLO/HELO (nodemailer's `name`, e.g. `SMTP_URL=…?name=a`). */
  clientName: string;
  mail: ParsedMail;
  raw: string;
}

/** One message the sender began to hand over (MAIL FROM), completed or not. */
export interface Handoff {
  session: string;
  /** When MAIL FROM arrived. */
  at: Date;
  /** Recipients accepted so far (RCPT TO). */
  to: string[];
  /** True once the message data was accepted. */
  completed: boolean;
}

/** What the server saw, in order: a connection, its greeting going out, each hand-off's steps. */
export interface SmtpEvent {
  kind: 'connect' | 'greeting' | 'mail_from' | 'rcpt_to' | 'data_accepted' | 'close';
  session: string;
  at: Date;
  address?: string;
}

/** A real SMTP server on a free loopback port that keeps every message it receives. */
export class SmtpCapture {
  readonly mails: CapturedMail[] = [];
  /** Every hand-off that began (MAIL FROM), including ones cut off before their data. */
  readonly handoffs: Handoff[] = [];
  /** Everything the server saw, in order. */
  readonly events: SmtpEvent[] = [];
  /** Every RCPT TO answered 451 by deferRecipient, in order. */
  readonly deferred: Array<{ address: string; at: Date }> = [];
  private readonly current = new Map<string, Handoff>();
  private readonly deferrals = new Map<string, number>();
  private heldGreetings: { waiting: Array<() => void> } | undefined;
  private replyDelayMs = 0;
  private server: SMTPServer | undefined;
  port = 0;

  /** `onEvent` sees each event as it happens (e.g. to interleave it with the sender's own steps). */
  constructor(private readonly opts: { onEvent?: (event: SmtpEvent) => void } = {}) {}

  private record(kind: SmtpEvent['kind'], session: string, address?: string): void {
    const event: SmtpEvent = { kind, session, at: new Date(), ...(address === undefined ? {} : { address }) };
    this.events.push(event);
    this.opts.onEvent?.(event);
  }

  async start(): Promise<this> {
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onConnect: (session, callback) => {
        this.record('connect', session.id);
        const greet = () => {
          this.record('greeting', session.id);
          callback();
        };
        if (this.heldGreetings) this.heldGreetings.waiting.push(greet);
        else greet();
      },
      onClose: (session) => {
        this.current.delete(session.id);
        this.record('close', session.id);
      },
      onRcptTo: (address, session, callback) => {
        const left = this.deferrals.get(address.address) ?? 0;
        if (left <= 0) {
          this.current.get(session.id)?.to.push(address.address);
          this.record('rcpt_to', session.id, address.address);
          callback();
          return;
        }
        this.deferrals.set(address.address, left - 1);
        this.deferred.push({ address: address.address, at: new Date() });
        callback(Object.assign(new Error('4.2.1 mailbox busy, try again later'), { responseCode: 451 }));
      },
      onMailFrom: (address, session, callback) => {
        const handoff: Handoff = { session: session.id, at: new Date(), to: [], completed: false };
        this.handoffs.push(handoff);
        this.current.set(session.id, handoff);
        this.record('mail_from', session.id, address.address);
        callback();
      },
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          const handoff = this.current.get(session.id);
          const delay = this.replyDelayMs;
          const parsed =
            delay > 0 ? new Promise((r) => setTimeout(r, delay)).then(() => simpleParser(raw)) : simpleParser(raw);
          parsed.then(
            (mail) => {
              if (handoff) handoff.completed = true;
              this.record('data_accepted', session.id);
              this.mails.push({
                handoffAt: handoff?.at ?? new Date(0),
                receivedAt: new Date(),
                envelopeTo: session.envelope.rcptTo.map((r) => r.address),
                clientName: session.hostNameAppearsAs,
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

  /**
   * From now on, each new connection waits for its greeting (a slow or stalled server) until
   * `release()`; `waiting()` says how many are held.
   */
  holdGreetings(): { waiting(): number; release(): void } {
    const held = { waiting: [] as Array<() => void> };
    this.heldGreetings = held;
    return {
      waiting: () => held.waiting.length,
      release: () => {
        if (this.heldGreetings === held) this.heldGreetings = undefined;
        for (const greet of held.waiting.splice(0)) greet();
      },
    };
  }

  /**
   * Closes every open connection from the server's side (a server that drops idle connections):
   * a sender's pooled connection is then dead and must be replaced before its next message.
   */
  closeConnections(): void {
    const connections = (this.server as unknown as { connections?: Set<{ close(): void }> } | undefined)?.connections;
    for (const connection of connections ?? []) connection.close();
  }

  /** The envelope sender (MAIL FROM) of the latest hand-off that named `recipient` (a connection may carry several). */
  returnPathOf(recipient: string): string {
    const rcpt = this.events.findLastIndex((e) => e.kind === 'rcpt_to' && e.address === recipient);
    const session = this.events[rcpt]?.session;
    return this.events.slice(0, rcpt).findLast((e) => e.kind === 'mail_from' && e.session === session)?.address ?? '';
  }

  /**
   * A slow server: from now on each message's final reply (after its data) comes `ms` later; the
   * message counts as received only then. 0 answers at once again. Keep it well below the
   * sender's socket timeout, or the sender cannot know whether the message was taken.
   */
  delayReplies(ms: number): void {
    this.replyDelayMs = ms;
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
