import { createTransport } from 'nodemailer';
import { SuppressionScopes, type Suppression } from '@reclaim/contracts';
import { freePort, pollUntil, SmtpCapture } from '@reclaim/testing';
import { InboundReportsService } from '../src/bounces/inbound-reports.service';
import { deliveriesOf, emailTouch, publishTouch, startEmailApp, type EmailTestApp } from './email-test-app';

const BOUNCES = 'bounces@bounce.reclaim.test';
const UNSUBSCRIBE = 'unsubscribe@bounce.reclaim.test';

/**
 * Bounces and complaints that come back after hand-off, on the real broker and Postgres: every
 * message leaves with a VERP envelope sender naming its touch; the email service's own SMTP
 * listener takes RFC 3464 delivery status notifications and RFC 5965 abuse reports for it, as a
 * reporting MTA sends them (null sender, over SMTP), and turns them into suppressions and
 * `bounced` deliveries.
 */
describe(InboundReportsService.name, () => {
  let smtp: SmtpCapture;
  let t: EmailTestApp;
  let inboundPort: number;

  beforeAll(async () => {
    smtp = await new SmtpCapture().start();
    inboundPort = await freePort();
    t = await startEmailApp('email-bounces', smtp.url, {
      EMAIL_BOUNCE_ADDRESS: BOUNCES,
      EMAIL_INBOUND_SMTP_PORT: String(inboundPort),
      EMAIL_INBOUND_SMTP_HOST: '127.0.0.1',
      EMAIL_UNSUBSCRIBE_MAILBOX: UNSUBSCRIBE,
    });
  });

  afterAll(async () => {
    await t?.close();
    await smtp?.stop();
  });

  /** Hands a report to the listener as an MTA would (MAIL FROM:<>); resolves with the reply, rejects with the refusal. */
  const report = async (to: string, raw: string) => {
    const transport = createTransport({ host: '127.0.0.1', port: inboundPort, secure: false, ignoreTLS: true });
    try {
      const info = await transport.sendMail({ envelope: { from: '', to: [to] }, raw });
      return info.response;
    } finally {
      transport.close();
    }
  };

  /** A shopper's mail client acting on List-Unsubscribe's mailto: (RFC 6068): a mail with the URL's subject, sent over SMTP. */
  const mailFromShopper = async (from: string, to: string[], subject: string) => {
    const transport = createTransport({ host: '127.0.0.1', port: inboundPort, secure: false, ignoreTLS: true });
    try {
      return await transport.sendMail({ from, to, subject, text: '' });
    } finally {
      transport.close();
    }
  };

  const dsn = (recipient: string, status: string, returned = '') =>
    [
      'From: Mail Delivery System <MAILER-DAEMON@mx.example.net>',
      `To: ${BOUNCES}`,
      'Subject: Undelivered Mail Returned to Sender',
      'MIME-Version: 1.0',
      'Content-Type: multipart/report; report-type=delivery-status; boundary="DSN"',
      '',
      '--DSN',
      'Content-Type: text/plain; charset=us-ascii',
      '',
      'Your message could not be delivered to one or more recipients.',
      '--DSN',
      'Content-Type: message/delivery-status',
      '',
      'Reporting-MTA: dns; mx.example.net',
      '',
      `Final-Recipient: rfc822; ${recipient}`,
      'Action: failed',
      `Status: ${status}`,
      `Diagnostic-Code: smtp; 550 ${status} rejected`,
      '',
      '--DSN',
      'Content-Type: text/rfc822-headers',
      '',
      returned || 'Subject: Your cart',
      '',
      '--DSN--',
      '',
    ].join('\r\n');

  const arf = (recipient: string, touchId: string) =>
    [
      'From: feedback@isp.example',
      `To: ${BOUNCES}`,
      'Subject: Abuse report',
      'MIME-Version: 1.0',
      'Content-Type: multipart/report; report-type=feedback-report; boundary="ARF"',
      '',
      '--ARF',
      'Content-Type: text/plain',
      '',
      'This is an email abuse report.',
      '--ARF',
      'Content-Type: message/feedback-report',
      '',
      'Feedback-Type: abuse',
      'User-Agent: ExampleFBL/1.0',
      'Version: 1',
      `Original-Rcpt-To: <${recipient}>`,
      '',
      '--ARF',
      'Content-Type: message/rfc822',
      'Content-Disposition: inline',
      '',
      `X-Reclaim-Touch-Id: ${touchId}`,
      `To: ${recipient}`,
      'Subject: Your cart',
      '',
      'body',
      '--ARF--',
      '',
    ].join('\r\n');

  /** Sends a touch and returns the envelope sender its message left with. */
  const sent = async (email: string) => {
    const touch = emailTouch({ email });
    await publishTouch(t, touch);
    await pollUntil(() => deliveriesOf(t, touch.touchId).some((d) => d.status === 'sent'), {
      description: `the mail to ${email}`,
    });
    const returnPath = smtp.returnPathOf(email);
    return { touch, returnPath };
  };

  const suppressionsOf = (email: string) =>
    t.suppressions
      .map((r) => r.value as Suppression)
      .filter((s) => s.scope === SuppressionScopes.email('store-1', email));

  it('sends with an envelope sender that names the touch', async () => {
    const { touch, returnPath } = await sent(`verp-${Date.now()}@example.com`);
    expect(returnPath).toMatch(new RegExp(`^bounces\\+${touch.touchId}\\.[0-9a-f]{10}@bounce\\.reclaim\\.test$`));
  });

  it('stops a hard-bounced address and reports the touch bounced, once however often the report comes', async () => {
    const ann = `ann-${Date.now()}@example.com`;
    const { touch, returnPath } = await sent(ann);
    expect(await report(returnPath, dsn(ann, '5.1.1'))).toMatch(/^250 .*hard_bounce:5\.1\.1/);
    expect(await report(returnPath, dsn(ann, '5.1.1'))).toMatch(/^250 /);

    const bouncedOf = () => deliveriesOf(t, touch.touchId).filter((d) => d.status === 'bounced');
    const bounced = await pollUntil(() => (bouncedOf().length === 2 ? bouncedOf() : undefined), {
      description: 'both reports answered with the bounced delivery',
    });
    expect(bounced[0]).toMatchObject({ reason: 'hard_bounce:5.1.1' });
    expect(new Set(bounced.map((d) => d.deliveryId)).size).toBe(1);
    await pollUntil(() => suppressionsOf(ann).length === 2, { description: 'the hard_bounce suppressions' });
    expect(new Set(suppressionsOf(ann).map((s) => s.sourceEventId)).size).toBe(1);
    expect(suppressionsOf(ann)[0]).toMatchObject({ reason: 'hard_bounce' });

    // The next cart of that address: skipped, SMTP never asked.
    const next = emailTouch({ email: ann });
    await publishTouch(t, next);
    const d = await pollUntil(() => deliveriesOf(t, next.touchId)[0], { description: 'the next touch' });
    expect(d).toMatchObject({ status: 'skipped', reason: 'suppressed:hard_bounce' });
    expect(smtp.to(ann)).toHaveLength(1);
  });

  it('reports a policy refusal as bounced and keeps the address', async () => {
    const carol = `carol-${Date.now()}@example.com`;
    const { touch, returnPath } = await sent(carol);
    await report(returnPath, dsn(carol, '5.7.1'));
    const bounced = await pollUntil(() => deliveriesOf(t, touch.touchId).find((d) => d.status === 'bounced'), {
      description: 'the bounced delivery',
    });
    expect(bounced.reason).toBe('bounce:5.7.1');
    expect(suppressionsOf(carol)).toEqual([]);
  });

  it('stops an address whose owner complained, from an abuse report naming the touch in the returned message', async () => {
    const bob = `bob-${Date.now()}@example.com`;
    const { touch } = await sent(bob);
    expect(await report(BOUNCES, arf(bob, touch.touchId))).toMatch(/^250 .*complaint/);
    const stop = await pollUntil(() => suppressionsOf(bob)[0], { description: 'the complaint suppression' });
    expect(stop).toMatchObject({ reason: 'complaint', storeId: 'store-1' });
  });

  it('refuses what is no report of ours, with the reason, and changes nothing', async () => {
    const dave = `dave-${Date.now()}@example.com`;
    const { touch, returnPath } = await sent(dave);
    await expect(report(returnPath, 'Subject: hello\r\n\r\nnot a report\r\n')).rejects.toThrow(
      /550 5\.6\.0 not a delivery status/,
    );
    await expect(report(`postmaster@bounce.reclaim.test`, dsn(dave, '5.1.1'))).rejects.toThrow(
      /550 5\.1\.1 no such mailbox/,
    );
    // A well-formed VERP address for a touch that never went out, and a tag that does not match.
    await expect(report(BOUNCES, dsn(dave, '5.1.1', 'X-Reclaim-Touch-Id: never-sent'))).rejects.toThrow(
      /550 5\.1\.1 the report names no message we sent/,
    );
    // Our touch, but not signed and about another address: no proof it concerns this message.
    await expect(
      report(BOUNCES, dsn('someone-else@example.com', '5.1.1', `X-Reclaim-Touch-Id: ${touch.touchId}`)),
    ).rejects.toThrow(/550 5\.1\.1 the report does not name the address the message went to/);
    await expect(report(returnPath.replace(/\.[0-9a-f]{10}@/, '.0000000000@'), dsn(dave, '5.1.1'))).rejects.toThrow(
      /550 5\.1\.1 no such mailbox/,
    );
    expect(deliveriesOf(t, touch.touchId).map((d) => d.status)).toEqual(['sent']);
    expect(suppressionsOf(dave)).toEqual([]);
  });

  describe('the unsubscribe mailbox (List-Unsubscribe mailto:)', () => {
    /** The mailto: URL a delivered message offers, read from its raw List-Unsubscribe header. */
    const mailtoOf = (email: string) => {
      const raw = smtp.to(email)[0]!.raw.replace(/\r?\n[ \t]+/g, ' ');
      const value = /^List-Unsubscribe: (.*)$/im.exec(raw)?.[1] ?? '';
      const urls = [...value.matchAll(/<([^>]+)>/g)].map((m) => m[1]!);
      expect(urls).toHaveLength(2);
      expect(urls[0]).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/unsubscribe\/[\w.-]+$/);
      return new URL(urls[1]!);
    };

    it('unsubscribes the shopper a mail to the mailbox names, as the one-click POST does', async () => {
      const erin = `erin-${Date.now()}@example.com`;
      await sent(erin);
      const mailto = mailtoOf(erin);
      expect(mailto.protocol).toBe('mailto:');
      expect(mailto.pathname).toBe(UNSUBSCRIBE);
      const subject = mailto.searchParams.get('subject') ?? '';
      expect(subject).toMatch(/^unsubscribe [\w.-]+$/);

      const info = await mailFromShopper(`Erin <${erin}>`, [mailto.pathname], subject);
      expect(info.response).toMatch(/^250 .*unsubscribed/);
      const stop = await pollUntil(() => suppressionsOf(erin)[0], { description: 'the unsubscribe suppression' });
      expect(stop).toMatchObject({ reason: 'unsubscribed', storeId: 'store-1' });

      const next = emailTouch({ email: erin });
      await publishTouch(t, next);
      const d = await pollUntil(() => deliveriesOf(t, next.touchId)[0], { description: 'the next touch' });
      expect(d).toMatchObject({ status: 'skipped', reason: 'suppressed:unsubscribed' });
      expect(smtp.to(erin)).toHaveLength(1);
    });

    it('refuses a mail without a token of ours', async () => {
      const finn = `finn-${Date.now()}@example.com`;
      await sent(finn);
      const subject = mailtoOf(finn).searchParams.get('subject') ?? '';
      await expect(mailFromShopper(finn, [UNSUBSCRIBE], 'unsubscribe')).rejects.toThrow(
        /550 5\.6\.0 no unsubscribe token of ours/,
      );
      await expect(mailFromShopper(finn, [UNSUBSCRIBE], `${subject.slice(0, -2)}xx`)).rejects.toThrow(
        /550 5\.6\.0 no unsubscribe token of ours/,
      );
      expect(suppressionsOf(finn)).toEqual([]);
    });

    it('takes one kind of recipient per message: a bounce address beside the mailbox is asked to come separately', async () => {
      const hal = `hal-${Date.now()}@example.com`;
      await sent(hal);
      const subject = mailtoOf(hal).searchParams.get('subject') ?? '';
      const info = await mailFromShopper(hal, ['unsubscribe+tag@bounce.reclaim.test', BOUNCES], subject);
      expect(info.accepted).toEqual(['unsubscribe+tag@bounce.reclaim.test']);
      expect(info.rejected).toEqual([BOUNCES]);
      expect(info.rejectedErrors?.[0]?.message).toMatch(/452 4\.5\.3/);
      await pollUntil(() => suppressionsOf(hal)[0], { description: 'the unsubscribe suppression' });
    });

    it('takes an abuse report sent to the mailbox as a complaint', async () => {
      const gail = `gail-${Date.now()}@example.com`;
      const { touch } = await sent(gail);
      expect(await report(UNSUBSCRIBE, arf(gail, touch.touchId))).toMatch(/^250 .*complaint/);
      const stop = await pollUntil(() => suppressionsOf(gail)[0], { description: 'the complaint suppression' });
      expect(stop).toMatchObject({ reason: 'complaint' });
    });
  });
});
