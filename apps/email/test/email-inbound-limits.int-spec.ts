import { connect, type Socket } from 'node:net';
import { once } from 'node:events';
import { freePort, pollUntil, SmtpCapture } from '@reclaim/testing';
import { InboundSmtpServer } from '../src/bounces/inbound-smtp.server';
import { deliveriesOf, emailTouch, publishTouch, startEmailApp, type EmailTestApp } from './email-test-app';

const BOUNCES = 'bounces@bounce.reclaim.test';
const MAX_BYTES = 64 * 1024;
const MAX_CLIENTS = 3;

/** A raw SMTP client, as a hostile or careless sender talks: one line at a time, replies read as they come. */
class RawSmtp {
  private buffered = '';
  private readonly replies: string[] = [];
  readonly socket: Socket;
  closed = false;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.setEncoding('utf8');
    socket.on('data', (text: string) => {
      this.buffered += text;
      // A reply is complete at a line `NNN text` (a `NNN-` line continues it).
      for (
        let m = /(?:^|\r\n)(\d{3}) [^\r\n]*\r\n/.exec(this.buffered);
        m;
        m = /(?:^|\r\n)(\d{3}) [^\r\n]*\r\n/.exec(this.buffered)
      ) {
        const end = m.index + m[0].length;
        this.replies.push(this.buffered.slice(0, end).trim());
        this.buffered = this.buffered.slice(end);
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => (this.closed = true));
  }

  static async open(port: number): Promise<RawSmtp> {
    const socket = connect(port, '127.0.0.1');
    await once(socket, 'connect');
    return new RawSmtp(socket);
  }

  reply(): Promise<string> {
    return pollUntil(() => this.replies.shift(), { description: 'an SMTP reply' });
  }

  async command(line: string): Promise<string> {
    this.socket.write(`${line}\r\n`);
    return this.reply();
  }

  /** Writes, waiting for the socket to drain: the sender streams, it does not buffer either. */
  async write(data: string | Buffer): Promise<void> {
    if (!this.socket.write(data)) await once(this.socket, 'drain');
  }

  close(): void {
    this.socket.destroy();
  }
}

const dsn = (recipient: string) =>
  [
    'From: Mail Delivery System <MAILER-DAEMON@mx.example.net>',
    `To: ${BOUNCES}`,
    'Subject: Undelivered Mail Returned to Sender',
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=delivery-status; boundary="DSN"',
    '',
    '--DSN',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.example.net',
    '',
    `Final-Recipient: rfc822; ${recipient}`,
    'Action: failed',
    'Status: 5.1.1',
    '',
    '--DSN--',
    '',
  ].join('\r\n');

/**
 * The inbound SMTP listener under abuse, on the real broker and Postgres with a real SMTP capture
 * for outgoing mail: a message past EMAIL_INBOUND_SMTP_MAX_BYTES is refused with 552 and the
 * session goes on; a flood beyond EMAIL_INBOUND_SMTP_MAX_CLIENTS is turned away with 421 while the
 * service keeps sending; the listener binds loopback by default and shows on /health.
 */
describe(`${InboundSmtpServer.name} limits`, () => {
  let smtp: SmtpCapture;
  let t: EmailTestApp;
  let inboundPort: number;
  const open: RawSmtp[] = [];

  beforeAll(async () => {
    smtp = await new SmtpCapture().start();
    inboundPort = await freePort();
    t = await startEmailApp('email-inbound-limits', smtp.url, {
      EMAIL_BOUNCE_ADDRESS: BOUNCES,
      EMAIL_INBOUND_SMTP_PORT: String(inboundPort),
      // EMAIL_INBOUND_SMTP_HOST left at its default
      EMAIL_INBOUND_SMTP_MAX_BYTES: String(MAX_BYTES),
      EMAIL_INBOUND_SMTP_MAX_CLIENTS: String(MAX_CLIENTS),
    });
  });

  afterEach(() => {
    for (const c of open.splice(0)) c.close();
  });

  afterAll(async () => {
    await t?.close();
    await smtp?.stop();
  });

  /** A client past its greeting and envelope, ready for DATA. */
  const session = async (rcpt: string) => {
    const c = await RawSmtp.open(inboundPort);
    open.push(c);
    expect(await c.reply()).toMatch(/^220 /);
    expect(await c.command('EHLO mx.example.net')).toMatch(new RegExp(`^250-[\\s\\S]*SIZE ${MAX_BYTES}`));
    expect(await c.command('MAIL FROM:<>')).toMatch(/^250 /);
    expect(await c.command(`RCPT TO:<${rcpt}>`)).toMatch(/^250 /);
    return c;
  };

  it('binds to loopback by default and reports itself on /health', async () => {
    expect(t.app.get(InboundSmtpServer).address()).toMatchObject({ address: '127.0.0.1', port: inboundPort });
    const health = (await (await fetch(`http://127.0.0.1:${t.port}/health`)).json()) as {
      details: Record<string, { status: string; detail?: string }>;
    };
    expect(health.details['inbound-smtp']).toMatchObject({
      status: 'up',
      detail: expect.stringContaining(`127.0.0.1:${inboundPort}`),
    });
  });

  /** Sends a touch to the address and returns the VERP envelope sender its message left with. */
  const sent = async (email: string) => {
    const touch = emailTouch({ email });
    await publishTouch(t, touch);
    await pollUntil(() => deliveriesOf(t, touch.touchId).some((d) => d.status === 'sent'), {
      description: `the mail to ${email}`,
    });
    return smtp.returnPathOf(email);
  };

  it('refuses a message past the size limit with 552 as it streams in, and takes the next report on the same connection', async () => {
    const ann = `ann-${Date.now()}@example.com`;
    const returnPath = await sent(ann);
    const c = await session(returnPath);
    expect(await c.command('DATA')).toMatch(/^354 /);
    // 32 times the limit (2 MiB), written as a sender streams it.
    const line = `X-Filler: ${'x'.repeat(1000)}\r\n`;
    await c.write('Subject: a very long report\r\n');
    for (let i = 0; i < (32 * MAX_BYTES) / line.length; i++) await c.write(line);
    expect(await c.command('\r\n.')).toMatch(/^552 /);

    // The connection is still good: a normal report after it is read and acted on.
    expect(await c.command('MAIL FROM:<>')).toMatch(/^250 /);
    expect(await c.command(`RCPT TO:<${returnPath}>`)).toMatch(/^250 /);
    expect(await c.command('DATA')).toMatch(/^354 /);
    await c.write(dsn(ann));
    expect(await c.command('.')).toMatch(/^250 .*hard_bounce:5\.1\.1/);
    await pollUntil(() => t.suppressions.some((r) => JSON.stringify(r.value).includes(ann)), {
      description: `the suppression of ${ann}`,
    });
  });

  it('turns away connections beyond its client limit with 421 while the service keeps sending', async () => {
    const held = await Promise.all(Array.from({ length: MAX_CLIENTS }, () => session(BOUNCES)));
    expect(held).toHaveLength(MAX_CLIENTS);
    const flood = await Promise.all(Array.from({ length: 10 }, () => RawSmtp.open(inboundPort)));
    open.push(...flood);
    for (const c of flood) expect(await c.reply()).toMatch(/^421 .*[Tt]oo many/);
    await pollUntil(() => flood.every((c) => c.closed), { description: 'the flood disconnected' });

    const touch = emailTouch();
    await publishTouch(t, touch);
    await pollUntil(() => deliveriesOf(t, touch.touchId).some((d) => d.status === 'sent'), {
      description: 'the touch sent during the flood',
    });
    expect(smtp.events.some((e) => e.kind === 'rcpt_to' && e.address === touch.customer.email)).toBe(true);

    // Once the held clients leave, a new one is served again.
    for (const c of held) c.close();
    await pollUntil(() => held.every((c) => c.closed), { description: 'the held clients gone' });
    const again = await RawSmtp.open(inboundPort);
    open.push(again);
    expect(await again.reply()).toMatch(/^220 /);
  });
});
