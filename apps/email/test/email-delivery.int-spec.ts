import { generateKeyPairSync } from 'node:crypto';
import { dkimVerify } from 'mailauth/lib/dkim/verify';
import { Contracts, openResumeToken, SuppressionScopes, Topics, type TouchDue } from '@reclaim/contracts';
import { signToken } from '@reclaim/core';
import { topicFor } from '@reclaim/kafka';
import { collectTopics, pollUntil, SmtpCapture } from '@reclaim/testing';
import { EmailDeliveryService } from '../src/delivery/email-delivery.service';
import {
  deliveriesOf,
  emailTouch,
  publishTouch,
  startEmailApp,
  TEST_SECRET,
  type EmailTestApp,
} from './email-test-app';

const unfold = (raw: string) => raw.replace(/\r?\n[ \t]+/g, ' ');
const header = (raw: string, name: string) => new RegExp(`^${name}: (.*)$`, 'mi').exec(unfold(raw))?.[1]?.trim();

describe(EmailDeliveryService.name, () => {
  let smtp: SmtpCapture;
  let t: EmailTestApp;
  // Signing inside Reclaim (EMAIL_DKIM_*), verified below with the public half and no DNS.
  const dkimKey = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const dkimRecord = `v=DKIM1; k=rsa; p=${dkimKey.publicKey.export({ type: 'spki', format: 'der' }).toString('base64')}`;
  const resolver = (name: string, type: string) =>
    Promise.resolve(name === 'reclaim1._domainkey.reclaim.test' && type === 'TXT' ? [[dkimRecord]] : []);

  beforeAll(async () => {
    smtp = await new SmtpCapture().start();
    t = await startEmailApp('email-delivery', smtp.url, {
      EMAIL_FROM: 'Reclaim Demo Store <shop@reclaim.test>',
      STORE_SUPPORT_EMAIL: 'help@reclaim.test',
      EMAIL_DKIM_DOMAIN: 'reclaim.test',
      EMAIL_DKIM_SELECTOR: 'reclaim1',
      EMAIL_DKIM_PRIVATE_KEY: dkimKey.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    });
  });

  afterAll(async () => {
    await t?.close();
    await smtp?.stop();
  });

  const waitForDelivery = (touchId: string, status: string, count = 1) =>
    pollUntil(
      () => deliveriesOf(t, touchId).filter((d) => d.status === status).length >= count && deliveriesOf(t, touchId),
      {
        description: `${count} ${status} deliveries for ${touchId}`,
      },
    );

  it('sends one email naming the product, with one-click unsubscribe headers and a verifiable resume link', async () => {
    const touch = emailTouch();
    const email = touch.customer.email!;
    await publishTouch(t, touch);
    const [mail] = await pollUntil(() => smtp.to(email).length > 0 && smtp.to(email), { description: 'the email' });
    expect(mail!.mail.subject).toBe('Your Linen Shirt is still here');
    expect(header(mail!.raw, 'List-Unsubscribe')).toMatch(
      new RegExp(`^<http://127\\.0\\.0\\.1:${t.port}/unsubscribe/[\\w.-]+>$`),
    );
    expect(header(mail!.raw, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    // mailparser folds every List-* header into one `list` header
    expect(mail!.mail.headers.get('list')).toMatchObject({
      unsubscribe: { url: expect.stringMatching(/\/unsubscribe\//) as unknown },
      'unsubscribe-post': { name: 'List-Unsubscribe=One-Click' },
    });
    expect(mail!.mail.html).toContain('€45.00');
    expect(mail!.mail.text).toContain('1 Example Street');
    // Replies reach the store's support (STORE_SUPPORT_EMAIL, as EMAIL_REPLY_TO is not set).
    expect(header(mail!.raw, 'Reply-To')).toBe('help@reclaim.test');
    expect(header(mail!.raw, 'Feedback-ID')).toBe('reminder:store-1:cart-recovery:reclaim');
    expect(header(mail!.raw, 'X-Reclaim-Touch-Id')).toBe(touch.touchId);
    // Signed as it left, and still verifying after the SMTP hand-off (dot-stuffing, line endings).
    const { results } = await dkimVerify(Buffer.from(mail!.raw, 'utf8'), { resolver });
    expect(results).toMatchObject([
      { signingDomain: 'reclaim.test', selector: 'reclaim1', status: { result: 'pass' } },
    ]);
    expect(results[0]!.signingHeaders!.keys.toLowerCase().split(': ')).toEqual(
      expect.arrayContaining(['reply-to', 'list-unsubscribe', 'list-unsubscribe-post', 'feedback-id']),
    );

    const link = /http:\/\/localhost:3000\/r\/([\w.-]+)/.exec(mail!.mail.text ?? '');
    expect(link).not.toBeNull();
    const claims = openResumeToken(link![1]!, TEST_SECRET);
    expect(claims).toMatchObject({
      s: touch.storeId,
      c: touch.cartId,
      t: touch.touchId,
      ch: 'email',
      u: `https://shop.example/cart/${touch.cartId}`,
    });
    expect(Number(claims!['exp'])).toBeGreaterThan(Date.now() / 1000 + 6 * 24 * 3600);

    const [delivery] = await waitForDelivery(touch.touchId, 'sent');
    expect(delivery).toMatchObject({ status: 'sent' });
    const [row] = await t.sql(
      'SELECT status, attempts, provider_message_id FROM email.send_ledger WHERE touch_id = $1',
      [touch.touchId],
    );
    expect(row).toMatchObject({ status: 'sent', attempts: 1 });
    expect(String(row!['provider_message_id'])).toBe(mail!.mail.messageId);
  });

  it('sends once when the same touch is delivered twice', async () => {
    const touch = emailTouch();
    await publishTouch(t, touch);
    await publishTouch(t, touch);
    const deliveries = await waitForDelivery(touch.touchId, 'sent', 2); // the second copy re-reports, it does not resend
    expect(new Set(deliveries.map((d) => d.deliveryId)).size).toBe(1);
    expect(smtp.to(touch.customer.email!)).toHaveLength(1);
  });

  /** What ingestion writes for an order.completed: the cart's suppression, in a transaction. */
  const orderCompleted = (touch: TouchDue) =>
    t.publisher.sendAtomically([
      t.publisher.message(Contracts.suppression, {
        scope: SuppressionScopes.cart(touch.storeId, touch.cartId),
        storeId: touch.storeId,
        cartId: touch.cartId,
        reason: 'order_completed',
        sourceEventId: `order-${touch.cartId}`,
        suppressedAt: new Date().toISOString(),
      }),
    ]);

  it('sends nothing for a cart suppressed before its touch, and reports skipped', async () => {
    const touch = emailTouch();
    await orderCompleted(touch);
    await publishTouch(t, touch);
    const [delivery] = await waitForDelivery(touch.touchId, 'skipped');
    expect(delivery!.reason).toBe('suppressed:order_completed');
    expect(smtp.to(touch.customer.email!)).toHaveLength(0);
  });

  it('skips a touch whose cart has nothing left in stock, with the reason, and sends nothing', async () => {
    const touch = emailTouch({
      cart: {
        currency: 'EUR',
        value: 4500,
        items: [{ sku: 'LS-1', title: 'Linen Shirt', quantity: 1, unitPrice: 4500, inStock: false }],
      },
    });
    await publishTouch(t, touch);
    const [delivery] = await waitForDelivery(touch.touchId, 'skipped');
    expect(delivery!.reason).toBe('nothing_in_stock');
    expect(smtp.to(touch.customer.email!)).toHaveLength(0);
  });

  it('issues one unique code for an incentive touch, publishes it for the store, and shows it in the email', async () => {
    const touch = emailTouch({ template: 'incentive', sequence: 3, incentive: 'free_shipping' });
    const incentives = await collectTopics(t.kafka, [topicFor(t.settings, Topics.incentives.name)]);
    try {
      await publishTouch(t, touch);
      await publishTouch(t, touch); // redelivered: same code, still one email
      await waitForDelivery(touch.touchId, 'sent', 2);
      const mails = smtp.to(touch.customer.email!);
      expect(mails).toHaveLength(1);
      const issued = await pollUntil(() =>
        incentives.records.length >= 1 ? incentives.records.map((r) => r.value as { code: string }) : undefined,
      );
      expect(new Set(issued.map((i) => i.code)).size).toBe(1);
      expect(issued[0]).toMatchObject({ kind: 'free_shipping', singleUse: true, touchId: touch.touchId });
      expect(mails[0]!.mail.text).toContain(`Free shipping with code ${issued[0]!.code}`);
    } finally {
      await incentives.stop();
    }
  });

  it('issues no code for an incentive touch whose cart is already suppressed', async () => {
    const touch = emailTouch({ template: 'incentive', sequence: 3, incentive: 'percent_10' });
    const incentives = await collectTopics(t.kafka, [topicFor(t.settings, Topics.incentives.name)]);
    try {
      await orderCompleted(touch);
      await publishTouch(t, touch);
      const [delivery] = await waitForDelivery(touch.touchId, 'skipped');
      expect(delivery!.reason).toBe('suppressed:order_completed');
      // A later touch's code shows the incentives topic is being read: none came for this one.
      const control = emailTouch({ template: 'incentive', sequence: 3, incentive: 'percent_10' });
      await publishTouch(t, control);
      await waitForDelivery(control.touchId, 'sent');
      await pollUntil(
        () => incentives.records.some((r) => (r.value as { touchId: string }).touchId === control.touchId),
        {
          description: "the control touch's code",
        },
      );
      expect(incentives.records.filter((r) => (r.value as { touchId: string }).touchId === touch.touchId)).toHaveLength(
        0,
      );
      expect(smtp.to(touch.customer.email!)).toHaveLength(0);
    } finally {
      await incentives.stop();
    }
  });

  it('honours a suppression published right before the touch (the barrier)', async () => {
    const touches = Array.from({ length: 20 }, () => emailTouch());
    for (const touch of touches) {
      // what ingestion does for order.completed: the suppression in a transaction, acknowledged…
      await t.publisher.sendAtomically([
        t.publisher.message(Contracts.suppression, {
          scope: SuppressionScopes.cart(touch.storeId, touch.cartId),
          storeId: touch.storeId,
          cartId: touch.cartId,
          reason: 'order_completed',
          sourceEventId: `order-${touch.cartId}`,
          suppressedAt: new Date().toISOString(),
        }),
      ]);
      // …and the touch right behind it, on another topic read by another consumer
      await publishTouch(t, touch);
    }
    for (const touch of touches) {
      const [delivery] = await waitForDelivery(touch.touchId, 'skipped');
      expect(delivery!.reason).toBe('suppressed:order_completed');
      expect(smtp.to(touch.customer.email!)).toHaveLength(0);
    }
  });

  it("stops a customer's cart abandoned before their order, not a cart started after it", async () => {
    const customerId = `cust-order-${Date.now()}`;
    const orderAt = new Date(Date.now() - 60_000);
    await t.publisher.publish(Contracts.suppression, [
      {
        scope: SuppressionScopes.customer('store-1', customerId),
        storeId: 'store-1',
        customerId,
        reason: 'order_completed',
        sourceEventId: `order-${customerId}`,
        suppressedAt: orderAt.toISOString(),
      },
    ]);
    const before = emailTouch({ abandonedAt: new Date(orderAt.getTime() - 600_000).toISOString() });
    before.customer.id = customerId;
    const after = emailTouch({ abandonedAt: new Date(orderAt.getTime() + 30_000).toISOString() });
    after.customer.id = customerId;
    await publishTouch(t, before);
    await publishTouch(t, after);
    expect((await waitForDelivery(before.touchId, 'skipped'))[0]!.reason).toBe('suppressed:order_completed');
    await waitForDelivery(after.touchId, 'sent');
    expect(smtp.to(after.customer.email!)).toHaveLength(1);
  });

  it('reports unknown and never resends a touch found in sending (its fate after a crash is unknown)', async () => {
    const touch = emailTouch();
    await t.sql(
      `INSERT INTO email.send_ledger (touch_id, abandonment_id, store_id, cart_id, sequence, status, attempts)
       VALUES ($1, $2, $3, $4, 1, 'sending', 1)`,
      [touch.touchId, touch.abandonmentId, touch.storeId, touch.cartId],
    );
    await publishTouch(t, touch);
    const [delivery] = await waitForDelivery(touch.touchId, 'unknown');
    expect(delivery!.reason).toBe('interrupted_while_sending');
    await publishTouch(t, touch);
    await waitForDelivery(touch.touchId, 'unknown', 2);
    expect(smtp.to(touch.customer.email!)).toHaveLength(0);
  });

  /** What a mailbox provider sends for RFC 8058 one-click unsubscribe. */
  const oneClickPost = (url: string) =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });

  it('unsubscribes on a one-click POST, never on a GET, and later touches to that address are skipped', async () => {
    const first = emailTouch();
    const email = first.customer.email!;
    await publishTouch(t, first);
    const [mail] = await pollUntil(() => smtp.to(email).length > 0 && smtp.to(email), { description: 'the email' });
    const url = /^<(.+)>$/.exec(header(mail!.raw, 'List-Unsubscribe') ?? '')![1]!;
    const scope = SuppressionScopes.email(first.storeId, email);
    const published = () => t.suppressions.filter((r) => r.key === scope);

    // The link reads as nothing: the sealed token holds the address, but not so anyone can see it.
    const token = url.slice(url.lastIndexOf('/') + 1);
    expect(token).toMatch(/^v1\./);
    for (const reading of [token, Buffer.from(token.split('.')[2] ?? '', 'base64url').toString('latin1')])
      expect(reading).not.toContain(email.slice(0, email.indexOf('@')));

    const page = await fetch(url);
    expect(page.status).toBe(200);
    const confirm = await page.text();
    expect(confirm).toContain('<form method="post"');
    // Whoever opens the link sees the address masked (the shopper recognises it).
    expect(confirm).not.toContain(email);
    expect(confirm).toContain(`${email.charAt(0)}…${email.slice(email.indexOf('@'))}`);
    const tampered = await fetch(`${url}x`, { method: 'POST' });
    expect(tampered.status).toBe(404);

    const res = await oneClickPost(url);
    expect(res.status).toBe(200);
    await pollUntil(() => published().length === 1, { description: 'the unsubscribe suppression' });
    expect(published()[0]!.value).toMatchObject({ reason: 'unsubscribed', storeId: first.storeId, scope });

    const next = emailTouch({ email, sequence: 2, template: 'reassurance' });
    await publishTouch(t, next);
    expect((await waitForDelivery(next.touchId, 'skipped'))[0]!.reason).toBe('suppressed:unsubscribed');
    expect(smtp.to(email)).toHaveLength(1);
    expect(published()).toHaveLength(1); // the GET published nothing
  });

  it('still honours an unsubscribe link sent before sealing: GET confirms, POST unsubscribes', async () => {
    const touch = emailTouch();
    const email = touch.customer.email!;
    const scope = SuppressionScopes.email(touch.storeId, email);
    const published = () => t.suppressions.filter((r) => r.key === scope);
    const url = `http://127.0.0.1:${t.port}/unsubscribe/${signToken({ s: touch.storeId, e: email }, TEST_SECRET)}`;

    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<form method="post"');
    const res = await oneClickPost(url);
    expect(res.status).toBe(200);
    await pollUntil(() => published().length === 1, { description: 'the unsubscribe suppression' });
    expect(published()[0]!.value).toMatchObject({ reason: 'unsubscribed', storeId: touch.storeId, scope });
    // A legacy token signed with another secret is no more ours than a sealed one would be.
    const forged = `http://127.0.0.1:${t.port}/unsubscribe/${signToken({ s: touch.storeId, e: email }, 'another-secret-0123')}`;
    expect((await fetch(forged, { method: 'POST' })).status).toBe(404);
  });

  it('fails visibly on a template it does not know', async () => {
    const touch = emailTouch({ template: 'mystery' });
    await publishTouch(t, touch);
    expect((await waitForDelivery(touch.touchId, 'failed'))[0]!.reason).toBe('unknown_template:mystery');
  });

  it('counts what it reported on /metrics and reports its suppression view healthy', async () => {
    const metrics = await (await fetch(`http://127.0.0.1:${t.port}/metrics`)).text();
    expect(metrics).toMatch(/reclaim_email_deliveries_total\{status="sent",reason="",service="email"\} \d+/);
    expect(metrics).toMatch(
      /reclaim_email_deliveries_total\{status="skipped",reason="suppressed",service="email"\} \d+/,
    );
    expect((await fetch(`http://127.0.0.1:${t.port}/health/suppression-view`)).status).toBe(200);
  });
});
