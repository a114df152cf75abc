import type { INestApplication } from '@nestjs/common';
import {
  Contracts,
  deadLetterTopicSpec,
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
import { twilioSignature } from '../src/provider/domain/twilio-signature';

const ACCOUNT_SID = `AC${'fedcba9876543210'.repeat(2)}`;
const AUTH_TOKEN = 'stop-spec-auth-token';
const SENDER = '+15005550006';
const STORE = 'store-1';
const CONFIRMATION = /<Response><Message>Acme: You are unsubscribed/;

/**
 * Opt-out replies through the inbound webhook, end to end: signed like Twilio signs them, the
 * suppression on the real broker, the next touch judged by the service's suppression view, and
 * the provider (TwilioCapture) never asked to send to a stopped number. The keyword rules
 * themselves are unit-tested in src/inbound/domain/keywords.spec.ts.
 */
describe('SMS opt-out through the inbound webhook', () => {
  const prefix = uniquePrefix('smsstop');
  const { kafka, settings } = testKafka(prefix);
  let database: TestDatabase;
  let app: INestApplication;
  let port: number;
  let publicUrl: string;
  let twilio: TwilioCapture;
  let publisher: EventPublisher;
  let observer: Awaited<ReturnType<typeof collectTopics>>;

  let phoneCounter = 200;
  const newPhone = () => `+1415555${String(phoneCounter++).padStart(4, '0')}`;
  const scopeOf = (phone: string) => SuppressionScopes.sms(STORE, phone);

  const touch = (phone: string): TouchDue => {
    const id = newId().slice(0, 8);
    return {
      touchId: `touch-${id}`,
      abandonmentId: `ab-${id}`,
      storeId: STORE,
      cartId: `cart-${id}`,
      channel: 'sms',
      sequence: 1,
      template: 'sms-reminder',
      incentive: 'none',
      segment: 'first_time',
      customer: { phone },
      cart: { currency: 'USD', value: 1000, items: [{ sku: 'a', title: 'Blue Mug', quantity: 1, unitPrice: 1000 }] },
      dueAt: new Date().toISOString(),
    };
  };

  const deliveriesOf = (touchId: string) =>
    observer.records
      .filter((r) => r.topic === topicFor(settings, Topics.deliveries.name))
      .map((r) => r.value as { touchId: string; status: string; reason?: string })
      .filter((d) => d.touchId === touchId);
  /** The records on the suppression topic for a scope, in order; null is a tombstone (START). */
  const suppressionsOf = (phone: string) =>
    observer.records
      .filter((r) => r.topic === topicFor(settings, Topics.suppressions.name) && r.key === scopeOf(phone))
      .map((r) => r.value as Suppression | null);
  /** Publishes a touch to the number and waits for its one outcome. */
  const outcomeOfTouchTo = async (phone: string) => {
    const t = touch(phone);
    await publisher.publish(Contracts.touchSms, [t]);
    const [d] = await pollUntil(() => deliveriesOf(t.touchId).length > 0 && deliveriesOf(t.touchId), {
      description: `the outcome of the touch to ${phone}`,
    });
    return d;
  };

  /** An inbound SMS as Twilio posts it: form-encoded, signed over the public URL and the sorted parameters. */
  const inbound = (
    from: string,
    body: string,
    opts: { sid?: string; signature?: 'valid' | 'none' } = {},
  ): Promise<Response> => {
    const form = new URLSearchParams({
      MessageSid: opts.sid ?? `SM${newId().replace(/-/g, '')}`,
      AccountSid: ACCOUNT_SID,
      From: from,
      To: SENDER,
      Body: body,
    });
    const headers: Record<string, string> = { 'Content-Type': 'application/x-www-form-urlencoded' };
    if (opts.signature !== 'none')
      headers['X-Twilio-Signature'] = twilioSignature(AUTH_TOKEN, `${publicUrl}/sms/inbound`, form);
    return fetch(`http://127.0.0.1:${port}/sms/inbound`, {
      method: 'POST',
      headers,
      body: form.toString(),
      signal: AbortSignal.timeout(10_000),
    });
  };

  beforeAll(async () => {
    await provisionTopics(kafka, prefix);
    database = await createTestDatabase('smsstop');
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
      SMS_STORES: JSON.stringify({ [STORE]: { name: 'Acme', from: SENDER } }),
      SMS_PUBLIC_URL: publicUrl,
      PUBLIC_BASE_URL: 'https://go.acme.example',
      RESUME_LINK_SECRET: 'stop-spec-resume-secret',
      // Shoppers here have no time zone: the most restrictive reading would hold most SMS back.
      SMS_QUIET_HOURS: 'off',
    });
    app = await runService(AppModule.register(config), { port, host: '127.0.0.1', nest: SMS_NEST_OPTIONS });
    publisher = new EventPublisher(kafka, settings, { source: '/reclaim/test' });
    await publisher.connect();
    observer = await collectTopics(kafka, [
      topicFor(settings, Topics.deliveries.name),
      topicFor(settings, Topics.suppressions.name),
      topicFor(settings, deadLetterTopicSpec('sms').name),
    ]);
  });

  afterAll(async () => {
    await observer?.stop();
    await publisher?.disconnect();
    await app?.close();
    await twilio?.stop();
    await database?.drop();
  });

  it.each(['STOP ALL', 'UNSUBSCRIBE', 'REVOKE', 'Stop.', 'opt out', 'stop!'])(
    '"%s" stops the number: confirmed, suppressed, and the next touch is skipped without a provider request',
    async (body) => {
      const phone = newPhone();
      const res = await inbound(phone, body);
      expect(res.status).toBe(200);
      expect(await res.text()).toMatch(CONFIRMATION);
      // Published (acks=all) before the answer: the observer catches up with it.
      const [stop] = await pollUntil(() => suppressionsOf(phone).length > 0 && suppressionsOf(phone), {
        description: `the sms_stop for "${body}"`,
      });
      expect(stop).toMatchObject({ reason: 'sms_stop', storeId: STORE });

      expect(await outcomeOfTouchTo(phone)).toMatchObject({ status: 'skipped', reason: 'suppressed:sms_stop' });
      expect(twilio.requestsTo(phone)).toHaveLength(0);
    },
  );

  it('gives a replayed STOP (same MessageSid) at most one confirmation and one suppression', async () => {
    const phone = newPhone();
    const sid = `SM${newId().replace(/-/g, '')}`;
    const answers: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await inbound(phone, 'STOP', { sid });
      expect(res.status).toBe(200);
      answers.push(await res.text());
    }
    // The first answer confirms; the replays are answered with an empty <Response/>.
    expect(answers.map((a) => CONFIRMATION.test(a))).toEqual([true, false, false]);
    // A START (another message) after the replays: its tombstone follows on the scope's partition,
    // so every suppression the replays could have published was read before it.
    expect((await inbound(phone, 'START')).status).toBe(200);
    await pollUntil(() => suppressionsOf(phone).at(-1) === null, { description: 'the START tombstone' });
    expect(suppressionsOf(phone).filter((s) => s !== null)).toHaveLength(1);
  });

  it('refuses an inbound STOP without a signature header with 403 and stops nobody', async () => {
    const phone = newPhone();
    const res = await inbound(phone, 'STOP', { signature: 'none' });
    expect(res.status).toBe(403);
    expect(await outcomeOfTouchTo(phone)).toMatchObject({ status: 'sent' });
    expect(twilio.requestsTo(phone)).toHaveLength(1);
    expect(suppressionsOf(phone)).toEqual([]);
  });

  it('answers HELP with the help text and changes nothing', async () => {
    const phone = newPhone();
    const res = await inbound(phone, 'HELP');
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toMatch(/<Message>Acme: .*Reply STOP to opt out\.<\/Message>/);
    expect(text).not.toMatch(CONFIRMATION);
    expect(await outcomeOfTouchTo(phone)).toMatchObject({ status: 'sent' });
    expect(twilio.requestsTo(phone)).toHaveLength(1);
    expect(suppressionsOf(phone)).toEqual([]);
  });

  it('dead-lettered nothing', () => {
    expect(observer.records.filter((r) => r.topic === topicFor(settings, deadLetterTopicSpec('sms').name))).toEqual([]);
  });
});
