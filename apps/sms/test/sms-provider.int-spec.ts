import type { INestApplication } from '@nestjs/common';
import {
  Contracts,
  openResumeToken,
  readResumeToken,
  SuppressionScopes,
  Topics,
  type Suppression,
  type TouchDue,
} from '@reclaim/contracts';
import { loadConfig, newId } from '@reclaim/core';
import { EventPublisher, provisionTopics, topicFor } from '@reclaim/kafka';
import { runService } from '@reclaim/platform';
import {
  collectTopics,
  createTestDatabase,
  freePort,
  pollUntil,
  testKafka,
  uniquePrefix,
  type TestDatabase,
  TwilioCapture,
} from '@reclaim/testing';
import { AppModule, SMS_NEST_OPTIONS } from '../src/app.module';
import { SmsConfig } from '../src/config';
import { SmsDeliveryService } from '../src/delivery/sms-delivery.service';
import { twilioSignature } from '../src/provider/domain/twilio-signature';
import { DataSource } from 'typeorm';
import fc from 'fast-check';

const ACCOUNT_SID = `AC${'0123456789abcdef'.repeat(2)}`;
const AUTH_TOKEN = 'test-auth-token';
const SENDER = '+15005550006';
const SECRET = 'int-spec-resume-secret';

describe(`${SmsDeliveryService.name} with a provider`, () => {
  const prefix = uniquePrefix('smsprov');
  const { kafka, settings } = testKafka(prefix);
  let database: TestDatabase;
  let app: INestApplication;
  let port: number;
  let publicUrl: string;
  let twilio: TwilioCapture;
  let publisher: EventPublisher;
  let observer: Awaited<ReturnType<typeof collectTopics>>;

  let phoneCounter = 100;
  const newPhone = () => `+1415555${String(phoneCounter++).padStart(4, '0')}`;

  const touch = (phone: string, overrides: Partial<TouchDue> = {}): TouchDue => {
    const id = newId().slice(0, 8);
    return {
      touchId: `touch-${id}`,
      abandonmentId: `ab-${id}`,
      storeId: 'store-1',
      cartId: `cart-${id}`,
      channel: 'sms',
      sequence: 1,
      template: 'sms-reminder',
      incentive: 'none',
      segment: 'first_time',
      customer: { phone },
      cart: { currency: 'USD', value: 1000, items: [{ sku: 'a', title: 'Blue Mug', quantity: 1, unitPrice: 1000 }] },
      dueAt: new Date().toISOString(),
      ...overrides,
    };
  };

  type SeenDelivery = {
    touchId: string;
    status: string;
    reason?: string;
    deliveryId: string;
    providerMessageId?: string;
  };
  const deliveriesOf = (touchId: string) =>
    observer.records
      .filter((r) => r.topic === topicFor(settings, Topics.deliveries.name))
      .map((r) => r.value as SeenDelivery)
      .filter((d) => d.touchId === touchId);
  const suppressionsOf = (scope: string) =>
    observer.records
      .filter((r) => r.topic === topicFor(settings, Topics.suppressions.name) && r.key === scope)
      .map((r) => r.value as Suppression | null);
  const answer = async (t: TouchDue, count = 1) =>
    pollUntil(() => deliveriesOf(t.touchId).length >= count && deliveriesOf(t.touchId), {
      description: `${count} answer(s) for ${t.touchId}`,
    });
  const suppress = (scope: string, reason: Suppression['reason']) =>
    publisher.publish(Contracts.suppression, [
      { scope, storeId: 'store-1', reason, sourceEventId: newId(), suppressedAt: new Date().toISOString() },
    ]);

  /** Posts a webhook the way Twilio does: form-encoded, signed over the public URL and the sorted parameters. */
  const webhook = (path: string, params: Record<string, string>, signature?: string) => {
    const form = new URLSearchParams(params);
    return fetch(`http://127.0.0.1:${port}${path}`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        'X-Twilio-Signature': signature ?? twilioSignature(AUTH_TOKEN, `${publicUrl}${path}`, form),
      },
      body: form.toString(),
      // A webhook the service never answers fails the test with its input, instead of hanging it.
      signal: AbortSignal.timeout(10_000),
    });
  };
  /** Posts raw bytes as an inbound webhook, signed over what a lenient reader would make of them. */
  const inboundBytes = (body: Buffer) =>
    fetch(`http://127.0.0.1:${port}/sms/inbound`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        'X-Twilio-Signature': twilioSignature(
          AUTH_TOKEN,
          `${publicUrl}/sms/inbound`,
          new URLSearchParams(body.toString('utf8')),
        ),
      },
      body,
      signal: AbortSignal.timeout(10_000),
    });
  const inbound = (from: string, body: string, signature?: string) =>
    webhook(
      '/sms/inbound',
      { MessageSid: `SM${newId().replace(/-/g, '')}`, AccountSid: ACCOUNT_SID, From: from, To: SENDER, Body: body },
      signature,
    );

  beforeAll(async () => {
    await provisionTopics(kafka, prefix);
    database = await createTestDatabase('smsprov');
    twilio = await TwilioCapture.start();
    port = await freePort();
    publicUrl = `http://127.0.0.1:${port}`;
    const config = loadConfig(SmsConfig, {
      KAFKA_BROKERS: process.env['KAFKA_BROKERS'],
      KAFKA_TOPIC_PREFIX: prefix,
      DATABASE_URL: database.url,
      LOG_LEVEL: 'warn',
      SMS_PORT: String(port),
      SMS_PROVIDER_BASE_URL: twilio.url,
      SMS_ACCOUNT_SID: ACCOUNT_SID,
      SMS_AUTH_TOKEN: AUTH_TOKEN,
      SMS_STORES: JSON.stringify({ 'store-1': { name: 'Acme', from: SENDER } }),
      SMS_PUBLIC_URL: publicUrl,
      SMS_PROVIDER_TIMEOUT_MS: '1500',
      PUBLIC_BASE_URL: 'https://go.acme.example',
      RESUME_LINK_SECRET: SECRET,
      // Shoppers here have no time zone: the most restrictive reading would hold most SMS back.
      SMS_QUIET_HOURS: 'off',
      TOUCH_RETRY_BASE: '100ms',
    });
    app = await runService(AppModule.register(config), { port, host: '127.0.0.1', nest: SMS_NEST_OPTIONS });
    publisher = new EventPublisher(kafka, settings, { source: '/reclaim/test' });
    await publisher.connect();
    observer = await collectTopics(kafka, [
      topicFor(settings, Topics.deliveries.name),
      topicFor(settings, Topics.suppressions.name),
    ]);
  });

  afterAll(async () => {
    await observer?.stop();
    await publisher?.disconnect();
    await app?.close();
    await twilio?.stop();
    await database?.drop();
  });

  it('sends a due touch once, with the resume link and the opt-out, and never again on redelivery', async () => {
    const phone = newPhone();
    const t = touch(phone);
    await publisher.publish(Contracts.touchSms, [t]);
    const [sent] = await answer(t);
    expect(sent).toMatchObject({ status: 'sent' });

    const [request] = twilio.requestsTo(phone);
    expect(request?.path).toBe(`/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`);
    expect(request?.contentType).toBe('application/x-www-form-urlencoded');
    expect(request?.authorization).toBe(`Basic ${Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString('base64')}`);
    expect(request?.params).toMatchObject({
      To: phone,
      From: SENDER,
      StatusCallback: `${publicUrl}/sms/status?touchId=${t.touchId}`,
    });
    const body = request?.params['Body'] ?? '';
    expect(body).toMatch(/^Acme: you left Blue Mug in your cart\./);
    expect(body.endsWith('Reply STOP to opt out')).toBe(true);
    const token = /https:\/\/go\.acme\.example\/r\/(\S+)/.exec(body)?.[1] ?? '';
    expect(readResumeToken(openResumeToken(token, SECRET), new Date())).toMatchObject({
      touchId: t.touchId,
      cartId: t.cartId,
      channel: 'sms',
    });
    expect(sent?.providerMessageId).toBe(request?.sid);

    await publisher.publish(Contracts.touchSms, [t]);
    const both = await answer(t, 2);
    expect(new Set(both.map((d) => d.deliveryId)).size).toBe(1);
    expect(twilio.requestsTo(phone)).toHaveLength(1);
  });

  it('keeps the provider connection alive between messages, and replaces one the provider closed while idle', async () => {
    const [first, second, third] = [touch(newPhone()), touch(newPhone()), touch(newPhone())];
    const connectionOf = (t: TouchDue) => twilio.requestsTo(t.customer.phone ?? '')[0]?.connection;
    await publisher.publish(Contracts.touchSms, [first]);
    expect((await answer(first))[0]).toMatchObject({ status: 'sent' });
    await publisher.publish(Contracts.touchSms, [second]);
    expect((await answer(second))[0]).toMatchObject({ status: 'sent' });
    expect(connectionOf(second)).toBe(connectionOf(first));

    // The provider ends its idle connections: the next message goes on a new one, made before its
    // check (an old one is never written into), and goes out once.
    twilio.closeIdleConnections();
    await publisher.publish(Contracts.touchSms, [third]);
    expect((await answer(third))[0]).toMatchObject({ status: 'sent' });
    expect(connectionOf(third)).not.toBe(connectionOf(first));
    expect(twilio.requestsTo(third.customer.phone ?? '')).toHaveLength(1);
  });

  it('skips a touch to a number that sent STOP, or whose SMS consent was withdrawn, without calling the provider', async () => {
    const stopped = touch(newPhone());
    const withdrawn = touch(newPhone(), { customer: { id: `cust-${newId().slice(0, 6)}` } });
    withdrawn.customer.phone = newPhone();
    await suppress(SuppressionScopes.sms('store-1', stopped.customer.phone ?? ''), 'sms_stop');
    await suppress(
      SuppressionScopes.consent('sms', 'store-1', { kind: 'customer', value: withdrawn.customer.id ?? '' }),
      'consent_withdrawn',
    );
    await publisher.publish(Contracts.touchSms, [stopped, withdrawn]);
    expect((await answer(stopped))[0]).toMatchObject({ status: 'skipped', reason: 'suppressed:sms_stop' });
    expect((await answer(withdrawn))[0]).toMatchObject({ status: 'skipped', reason: 'suppressed:consent_withdrawn' });
    expect(twilio.requestsTo(stopped.customer.phone ?? '')).toHaveLength(0);
    expect(twilio.requestsTo(withdrawn.customer.phone ?? '')).toHaveLength(0);
  });

  it('skips a touch for a store without a sender as channel_not_configured', async () => {
    const phone = newPhone();
    const t = touch(phone, { storeId: 'store-without-sender' });
    await publisher.publish(Contracts.touchSms, [t]);
    expect((await answer(t))[0]).toMatchObject({ status: 'skipped', reason: 'channel_not_configured' });
    expect(twilio.requestsTo(phone)).toHaveLength(0);
  });

  it('retries a 5xx and sends the message once', async () => {
    const phone = newPhone();
    twilio.behaveFor(phone, [{ kind: 'error', status: 503, code: 20503, message: 'Service Unavailable' }]);
    const t = touch(phone);
    await publisher.publish(Contracts.touchSms, [t]);
    const [d] = await answer(t);
    expect(d).toMatchObject({ status: 'sent' });
    const requests = twilio.requestsTo(phone);
    expect(requests).toHaveLength(2);
    expect(d?.providerMessageId).toBe(requests[1]?.sid);
    expect(deliveriesOf(t.touchId).every((x) => x.status === 'sent')).toBe(true);
  });

  it('waits as long as a 429 says (Retry-After) before trying again', async () => {
    const phone = newPhone();
    twilio.behaveFor(phone, [
      { kind: 'error', status: 429, code: 20429, message: 'Too Many Requests', retryAfter: '2' },
    ]);
    const t = touch(phone);
    await publisher.publish(Contracts.touchSms, [t]);
    expect((await answer(t))[0]).toMatchObject({ status: 'sent' });
    const [refused, taken] = twilio.requestsTo(phone);
    // Without Retry-After the first retry comes after 200 ms.
    expect((taken?.at ?? 0) - (refused?.at ?? 0)).toBeGreaterThanOrEqual(1_900);
  });

  it('reports unknown and never sends a touch found in sending (its fate after a crash is unknown)', async () => {
    const phone = newPhone();
    const t = touch(phone);
    await app.get(DataSource).query(
      `INSERT INTO send_ledger (touch_id, abandonment_id, store_id, cart_id, sequence, status, attempts)
         VALUES ($1, $2, $3, $4, 1, 'sending', 1)`,
      [t.touchId, t.abandonmentId, t.storeId, t.cartId],
    );
    await publisher.publish(Contracts.touchSms, [t]);
    expect((await answer(t))[0]).toMatchObject({ status: 'unknown', reason: 'interrupted_while_sending' });
    await publisher.publish(Contracts.touchSms, [t]);
    await answer(t, 2);
    expect(twilio.requestsTo(phone)).toHaveLength(0);
  });

  it('records a touch whose request was written and never answered as unknown, and never resends it', async () => {
    const phone = newPhone();
    twilio.behaveFor(phone, [{ kind: 'hang' }]);
    const t = touch(phone);
    await publisher.publish(Contracts.touchSms, [t]);
    const [d] = await answer(t);
    expect(d).toMatchObject({ status: 'unknown', reason: 'network_TIMEOUT' });
    await publisher.publish(Contracts.touchSms, [t]);
    const both = await answer(t, 2);
    expect(both.map((x) => x.status)).toEqual(['unknown', 'unknown']);
    expect(twilio.requestsTo(phone)).toHaveLength(1);
  });

  it('records a refused number as failed; 21610 also stops the number for the next touches', async () => {
    const invalid = newPhone();
    twilio.behaveFor(invalid, [{ kind: 'error', status: 400, code: 21211, message: "The 'To' number is not valid." }]);
    const a = touch(invalid);
    const unsubscribed = newPhone();
    twilio.behaveFor(unsubscribed, [
      { kind: 'error', status: 400, code: 21610, message: 'Attempt to send to unsubscribed recipient' },
    ]);
    const b = touch(unsubscribed);
    await publisher.publish(Contracts.touchSms, [a, b]);
    expect((await answer(a))[0]).toMatchObject({ status: 'failed', reason: 'twilio_21211' });
    expect((await answer(b))[0]).toMatchObject({ status: 'failed', reason: 'twilio_21610' });
    await pollUntil(() => suppressionsOf(SuppressionScopes.sms('store-1', unsubscribed)).length > 0, {
      description: 'sms_stop from 21610',
    });
    const next = touch(unsubscribed);
    await publisher.publish(Contracts.touchSms, [next]);
    expect((await answer(next))[0]).toMatchObject({ status: 'skipped', reason: 'suppressed:sms_stop' });
    expect(twilio.requestsTo(unsubscribed)).toHaveLength(1);
  });

  it('stops a guest’s SMS for an older cart when they order with their e-mail only (a purchase stops every channel)', async () => {
    const phone = newPhone();
    const email = `guest-${phone.slice(-4)}@example.com`;
    const lastActivityAt = new Date(Date.now() - 3_600_000).toISOString();
    await suppress(SuppressionScopes.shopperEmail('store-1', email), 'order_completed');
    const older = touch(phone, { customer: { email, phone }, lastActivityAt });
    await publisher.publish(Contracts.touchSms, [older]);
    expect((await answer(older))[0]).toMatchObject({ status: 'skipped', reason: 'suppressed:order_completed' });
    // An e-mail unsubscribe, though, is no SMS opt-out.
    const otherPhone = newPhone();
    const otherEmail = `guest-${otherPhone.slice(-4)}@example.com`;
    await suppress(SuppressionScopes.email('store-1', otherEmail), 'unsubscribed');
    const unsubscribed = touch(otherPhone, { customer: { email: otherEmail, phone: otherPhone }, lastActivityAt });
    await publisher.publish(Contracts.touchSms, [unsubscribed]);
    expect((await answer(unsubscribed))[0]).toMatchObject({ status: 'sent' });
    expect(twilio.requestsTo(phone)).toHaveLength(0);
  });

  it('honours an inbound STOP at once, confirms it in TwiML, and START lifts it', async () => {
    const phone = newPhone();
    const res = await inbound(phone, ' Stop ');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/xml/);
    expect(await res.text()).toMatch(/<Response><Message>Acme: You are unsubscribed.*<\/Message><\/Response>$/);
    const [stop] = await pollUntil(
      () =>
        suppressionsOf(SuppressionScopes.sms('store-1', phone)).length > 0 &&
        suppressionsOf(SuppressionScopes.sms('store-1', phone)),
      {
        description: 'the sms_stop suppression',
      },
    );
    expect(stop).toMatchObject({ reason: 'sms_stop', storeId: 'store-1' });

    const t = touch(phone);
    await publisher.publish(Contracts.touchSms, [t]);
    expect((await answer(t))[0]).toMatchObject({ status: 'skipped', reason: 'suppressed:sms_stop' });
    expect(twilio.requestsTo(phone)).toHaveLength(0);

    const help = await inbound(phone, 'help');
    expect(await help.text()).toMatch(/Acme: .*Reply STOP to opt out\./);

    expect((await inbound(phone, 'START')).status).toBe(200);
    await pollUntil(() => suppressionsOf(SuppressionScopes.sms('store-1', phone)).at(-1) === null, {
      description: 'the tombstone that lifts the STOP',
    });
    const again = touch(phone);
    await publisher.publish(Contracts.touchSms, [again]);
    expect((await answer(again))[0]).toMatchObject({ status: 'sent' });
  });

  it('rejects a badly signed inbound STOP with 403 and changes nothing', async () => {
    const phone = newPhone();
    const forged = await inbound(phone, 'STOP', 'bm90LWEtc2lnbmF0dXJl');
    expect(forged.status).toBe(403);
    const wrongKey = await webhook(
      '/sms/inbound',
      { MessageSid: 'SMforged', From: phone, To: SENDER, Body: 'STOP' },
      twilioSignature(
        'another-token',
        `${publicUrl}/sms/inbound`,
        new URLSearchParams({ MessageSid: 'SMforged', From: phone, To: SENDER, Body: 'STOP' }),
      ),
    );
    expect(wrongKey.status).toBe(403);

    const t = touch(phone);
    await publisher.publish(Contracts.touchSms, [t]);
    expect((await answer(t))[0]).toMatchObject({ status: 'sent' });
    expect(suppressionsOf(SuppressionScopes.sms('store-1', phone))).toHaveLength(0);
  });

  it('refuses a signed webhook holding U+0000 or broken UTF-8 with 400, never 500, and stops nobody', async () => {
    const phone = newPhone();
    const nul = await webhook('/sms/inbound', { MessageSid: 'SM\u0000x', From: phone, To: SENDER, Body: 'STOP' });
    expect(nul.status).toBe(400);
    expect(await nul.json()).toMatchObject({
      error: 'validation_failed',
      details: [{ path: 'MessageSid', message: 'must not contain control characters' }],
    });
    const nulFrom = await webhook('/sms/inbound', {
      MessageSid: 'SMnulfrom',
      From: `${phone}\u0000`,
      To: SENDER,
      Body: 'STOP',
    });
    expect(nulFrom.status).toBe(400);
    // A body whose bytes are not UTF-8: signed over what a lenient reader would see, still refused.
    const raw = Buffer.concat([
      Buffer.from(`MessageSid=SMbytes&To=${encodeURIComponent(SENDER)}&Body=STOP&From=`),
      Buffer.from([0xff]),
    ]);
    const bytes = await inboundBytes(raw);
    expect(bytes.status).toBe(400);
    const statusNul = await webhook('/sms/status?touchId=t%00x', { MessageSid: 'SMstatus', MessageStatus: 'failed' });
    expect(statusNul.status).toBe(400);

    // Nothing of the above stopped the number: its next touch is sent.
    const t = touch(phone);
    await publisher.publish(Contracts.touchSms, [t]);
    expect((await answer(t))[0]).toMatchObject({ status: 'sent' });
  });

  it('answers any signed webhook, whatever its parameters hold, with 200 or 4xx, never 5xx (fuzz)', async () => {
    // Every UTF-16 code unit (lone surrogates, U+0000, controls) plus whole astral characters.
    const anyUnit = fc.oneof(
      fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
      fc.constantFrom('\u0000', '\n', '\u007f', '\ud800', '\udfff', '🧵', '%', '&', '='),
    );
    const value = fc.oneof(
      fc.string({ unit: anyUnit, maxLength: 40 }),
      fc.string({ unit: anyUnit, minLength: 2_000, maxLength: 5_000 }),
      fc.constantFrom('STOP', 'START', 'HELP', 'delivered', 'failed', 'undelivered', SENDER),
    );
    const name = fc.constantFrom(
      'MessageSid',
      'SmsSid',
      'From',
      'To',
      'Body',
      'MessageStatus',
      'ErrorCode',
      'MessagingServiceSid',
      'x',
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('/sms/inbound', '/sms/status'),
        fc.dictionary(name, value, { maxKeys: 6 }),
        async (path, params) => {
          const res = await webhook(path, params);
          await res.arrayBuffer();
          // 200, or a refusal for what the request holds (400, 413 for a body past the parser's limit).
          expect(res.status === 200 || (res.status >= 400 && res.status < 500)).toBe(true);
        },
      ),
      // Shrinking re-sends requests with large bodies: report the first failing input instead.
      { numRuns: 100, endOnFailure: true },
    );
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), async (bytes) => {
        const res = await inboundBytes(Buffer.from(bytes));
        await res.arrayBuffer();
        // 200, or a refusal for what the request holds (400, 413 for a body past the parser's limit).
        expect(res.status === 200 || (res.status >= 400 && res.status < 500)).toBe(true);
      }),
      // Shrinking re-sends requests with large bodies: report the first failing input instead.
      { numRuns: 100, endOnFailure: true },
    );
  });

  it('turns an undelivered status callback into a bounced delivery, once', async () => {
    const phone = newPhone();
    const t = touch(phone);
    await publisher.publish(Contracts.touchSms, [t]);
    const [sent] = await answer(t);
    const sid = sent?.providerMessageId ?? '';
    const callback = {
      MessageSid: sid,
      SmsSid: sid,
      AccountSid: ACCOUNT_SID,
      From: SENDER,
      To: phone,
      MessageStatus: 'undelivered',
      SmsStatus: 'undelivered',
      ErrorCode: '30003',
      ApiVersion: '2010-04-01',
    };
    const path = `/sms/status?touchId=${t.touchId}`;
    expect(
      (await webhook(path, { ...callback, MessageStatus: 'delivered', SmsStatus: 'delivered', ErrorCode: '' })).status,
    ).toBe(200);
    expect((await webhook(path, callback)).status).toBe(200);
    expect((await webhook(path, callback)).status).toBe(200); // Twilio retried it
    expect((await webhook(path, callback, 'AAAA')).status).toBe(403);
    const all = await answer(t, 2);
    expect(all[1]).toMatchObject({ status: 'bounced', reason: 'provider_undelivered:30003', providerMessageId: sid });
    // a later touch's answer is published after any duplicate bounce would have been
    const marker = touch(newPhone());
    await publisher.publish(Contracts.touchSms, [marker]);
    await answer(marker);
    expect(deliveriesOf(t.touchId).filter((d) => d.status === 'bounced')).toHaveLength(1);
  });
});
