import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';
import { SuppressionScopes, type Suppression } from '@reclaim/contracts';
import { freePort, pollUntil, SmtpCapture } from '@reclaim/testing';
import { EmailDeliveryService } from '../src/delivery/email-delivery.service';
import { deliveriesOf, emailTouch, publishTouch, startEmailApp, type EmailTestApp } from './email-test-app';

/** A TCP port the service sends to: closed until `open()`, then forwarding to whichever server is the target. */
class SwitchableSmtpPort {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  targetPort = 0;
  constructor(readonly port: number) {}

  async open(targetPort: number): Promise<void> {
    this.targetPort = targetPort;
    this.server = createServer((client) => {
      const upstream = createConnection({ host: '127.0.0.1', port: this.targetPort });
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', () => resolve()));
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/** SMTP that refuses `bounce-*` (550 5.1.1, a dead address) and `policy-*` (550 5.7.1) for good, and greylists `greylist-*` once (451). */
async function pickySmtp(): Promise<{ port: number; accepted: string[]; rejected: string[]; stop(): Promise<void> }> {
  const accepted: string[] = [];
  const rejected: string[] = [];
  const seen = new Set<string>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      const to = address.address;
      if (to.startsWith('bounce-')) {
        rejected.push(to);
        callback(Object.assign(new Error('5.1.1 no such user'), { responseCode: 550 }));
        return;
      }
      if (to.startsWith('policy-')) {
        rejected.push(to);
        callback(Object.assign(new Error('5.7.1 rejected by policy'), { responseCode: 550 }));
        return;
      }
      if (to.startsWith('greylist-') && !seen.has(to)) {
        seen.add(to);
        rejected.push(to);
        callback(Object.assign(new Error('4.7.1 greylisted, try later'), { responseCode: 451 }));
        return;
      }
      callback();
    },
    onData(stream, session, callback) {
      stream.resume();
      stream.on('end', () => {
        accepted.push(...session.envelope.rcptTo.map((r) => r.address));
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server as unknown as { server: { address(): AddressInfo } }).server.address().port;
  return { port, accepted, rejected, stop: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe(`${EmailDeliveryService.name} when SMTP fails`, () => {
  let gate: SwitchableSmtpPort;
  let t: EmailTestApp;

  beforeAll(async () => {
    gate = new SwitchableSmtpPort(await freePort());
    t = await startEmailApp('email-smtp', `smtp://127.0.0.1:${gate.port}`, {
      TOUCH_RETRY_BASE: '100ms',
      TOUCH_RETRY_POLL_INTERVAL_MS: '50',
    });
  });

  afterAll(async () => {
    await t?.close();
    await gate?.close();
  });

  it('retries while the SMTP server is down and sends once it is back', async () => {
    const touch = emailTouch();
    await publishTouch(t, touch);
    await pollUntil(
      async () => {
        const [row] = await t.sql('SELECT status, reason FROM email.send_ledger WHERE touch_id = $1', [touch.touchId]);
        return row?.['status'] === 'pending' && typeof row['reason'] === 'string' && row['reason'].startsWith('smtp_');
      },
      { description: 'a failed attempt released for retry' },
    );
    expect(deliveriesOf(t, touch.touchId)).toHaveLength(0);

    const capture = await new SmtpCapture().start();
    try {
      await gate.open(capture.port);
      await pollUntil(() => capture.to(touch.customer.email!).length === 1, {
        timeoutMs: 30_000,
        description: 'the mail after the outage',
      });
      await pollUntil(() => deliveriesOf(t, touch.touchId).some((d) => d.status === 'sent'), {
        description: 'sent delivery',
      });
      const [row] = await t.sql('SELECT status, attempts FROM email.send_ledger WHERE touch_id = $1', [touch.touchId]);
      expect(row).toMatchObject({ status: 'sent' });
      expect(Number(row!['attempts'])).toBeGreaterThan(1);
      expect(capture.to(touch.customer.email!)).toHaveLength(1);
    } finally {
      await gate.close();
      await capture.stop();
    }
  });

  it('retries a 4xx answer and records a 5xx answer as failed', async () => {
    const smtp = await pickySmtp();
    gate = new SwitchableSmtpPort(gate.port);
    await gate.open(smtp.port);
    try {
      const greylisted = emailTouch({ email: `greylist-${Date.now()}@example.com` });
      const bounced = emailTouch({ email: `bounce-${Date.now()}@example.com` });
      await publishTouch(t, greylisted);
      await publishTouch(t, bounced);
      await pollUntil(() => deliveriesOf(t, greylisted.touchId).some((d) => d.status === 'sent'), {
        timeoutMs: 30_000,
        description: 'greylisted mail sent',
      });
      expect(smtp.accepted.filter((a) => a === greylisted.customer.email)).toHaveLength(1);
      const failed = await pollUntil(() => deliveriesOf(t, bounced.touchId).find((d) => d.status === 'failed'), {
        description: 'bounce failed',
      });
      expect(failed.reason).toBe('hard_bounce:5.1.1');
      expect(smtp.accepted).not.toContain(bounced.customer.email);
    } finally {
      await gate.close();
      await smtp.stop();
    }
  });

  it('stops a hard-bounced address for good, and only a dead address', async () => {
    const smtp = await pickySmtp();
    gate = new SwitchableSmtpPort(gate.port);
    await gate.open(smtp.port);
    try {
      const dead = `bounce-${Date.now()}@example.com`;
      const blocked = `policy-${Date.now()}@example.com`;
      const first = emailTouch({ email: dead });
      const refused = emailTouch({ email: blocked });
      await publishTouch(t, first);
      await publishTouch(t, refused);
      await pollUntil(() => deliveriesOf(t, first.touchId).some((d) => d.status === 'failed'), {
        description: 'the hard bounce',
      });
      const suppression = await pollUntil(
        () => t.suppressions.map((r) => r.value as Suppression).find((x) => x.scope.endsWith(dead)),
        { description: 'the hard_bounce suppression' },
      );
      expect(suppression).toMatchObject({ scope: SuppressionScopes.email('store-1', dead), reason: 'hard_bounce' });
      // A policy refusal (5.7.1) fails the touch and says nothing about the address.
      const policy = await pollUntil(() => deliveriesOf(t, refused.touchId).find((d) => d.status === 'failed'), {
        description: 'the policy refusal',
      });
      expect(policy.reason).toBe('smtp_550');
      expect(t.suppressions.map((r) => r.value as Suppression).filter((x) => x.scope.endsWith(blocked))).toEqual([]);

      // Another cart of the same address: skipped, SMTP never asked again.
      const next = emailTouch({ email: dead });
      await publishTouch(t, next);
      const skipped = await pollUntil(() => deliveriesOf(t, next.touchId)[0], { description: 'the next touch' });
      expect(skipped).toMatchObject({ status: 'skipped', reason: 'suppressed:hard_bounce' });
      expect(smtp.rejected.filter((a) => a === dead)).toHaveLength(1);
    } finally {
      await gate.close();
      await smtp.stop();
    }
  });
});
