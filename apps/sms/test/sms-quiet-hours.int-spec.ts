import type { INestApplication } from '@nestjs/common';
import { Contracts, Topics, type TouchDue } from '@reclaim/contracts';
import { loadConfig, newId } from '@reclaim/core';
import { isQuiet, nextAllowedSend } from '@reclaim/delivery';
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
import { DataSource } from 'typeorm';
import { AppModule, SMS_NEST_OPTIONS } from '../src/app.module';
import { SmsConfig } from '../src/config';
import { SmsDeliveryService } from '../src/delivery/sms-delivery.service';

const ACCOUNT_SID = `AC${'0123456789abcdef'.repeat(2)}`;
const SENDER = '+15005550006';
const HOUR_MS = 3_600_000;
const SMS_QUIET = { start: '21:00', end: '08:00' }; // the shipped SMS_QUIET_HOURS

/** A fixed-offset zone whose clock reads `hour` o'clock now (Etc/GMT-3 is UTC+3). */
function zoneAt(hour: number): string {
  let offset = (hour - new Date().getUTCHours() + 24) % 24;
  if (offset > 14) offset -= 24;
  return offset === 0 ? 'Etc/UTC' : `Etc/GMT${offset > 0 ? '-' : '+'}${Math.abs(offset)}`;
}

/**
 * The SMS service re-checks quiet hours and the deadline at send time, at the shipped defaults
 * (SMS_QUIET_HOURS 21:00-08:00, TOUCH_MAX_AGE 24h): a touch reaching it at 02:00 on the
 * recipient's clock is not sent at night.
 */
describe(`${SmsDeliveryService.name}: quiet hours at send time`, () => {
  const prefix = uniquePrefix('smsquiet');
  const { kafka, settings } = testKafka(prefix);
  let database: TestDatabase;
  let app: INestApplication;
  let twilio: TwilioCapture;
  let publisher: EventPublisher;
  let observer: Awaited<ReturnType<typeof collectTopics>>;
  let phoneCounter = 200;
  const newPhone = () => `+1415555${String(phoneCounter++).padStart(4, '0')}`;

  const touch = (phone: string, timezone: string, dueAt = new Date()): TouchDue => {
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
      customer: { phone, timezone },
      cart: { currency: 'USD', value: 1000, items: [{ sku: 'a', title: 'Blue Mug', quantity: 1, unitPrice: 1000 }] },
      dueAt: dueAt.toISOString(),
    };
  };
  const deliveriesOf = (touchId: string) =>
    observer.records
      .map((r) => r.value as { touchId: string; status: string; reason?: string })
      .filter((d) => d.touchId === touchId);
  type LedgerRow = { status: string; reason: string | null; attempts: number; next_attempt_at: Date | null };
  const ledgerRow = async (touchId: string): Promise<LedgerRow | undefined> => {
    const rows: LedgerRow[] = await app
      .get(DataSource)
      .query('SELECT status, reason, attempts, next_attempt_at FROM send_ledger WHERE touch_id = $1', [touchId]);
    return rows[0];
  };

  beforeAll(async () => {
    await provisionTopics(kafka, prefix);
    database = await createTestDatabase('smsquiet');
    twilio = await TwilioCapture.start();
    const port = await freePort();
    const config = loadConfig(SmsConfig, {
      KAFKA_BROKERS: process.env['KAFKA_BROKERS'],
      KAFKA_TOPIC_PREFIX: prefix,
      DATABASE_URL: database.url,
      LOG_LEVEL: 'warn',
      SMS_PORT: String(port),
      SMS_PROVIDER_BASE_URL: twilio.url,
      SMS_ACCOUNT_SID: ACCOUNT_SID,
      SMS_AUTH_TOKEN: 'test-auth-token',
      SMS_STORES: JSON.stringify({ 'store-1': { name: 'Acme', from: SENDER } }),
    });
    expect(config.SMS_QUIET_HOURS).toEqual(SMS_QUIET);
    app = await runService(AppModule.register(config), { port, host: '127.0.0.1', nest: SMS_NEST_OPTIONS });
    publisher = new EventPublisher(kafka, settings, { source: '/reclaim/test' });
    await publisher.connect();
    observer = await collectTopics(kafka, [topicFor(settings, Topics.deliveries.name)]);
  });

  afterAll(async () => {
    await observer?.stop();
    await publisher?.disconnect();
    await app?.close();
    await twilio?.stop();
    await database?.drop();
  });

  it('holds an SMS reaching it at 02:00 on the recipient’s clock until 08:00 there, and sends a daytime one', async () => {
    const nightZone = zoneAt(2);
    expect(isQuiet(new Date(), nightZone, SMS_QUIET)).toBe(true);
    const night = touch(newPhone(), nightZone);
    const day = touch(newPhone(), zoneAt(12));
    const publishedAt = new Date();
    await publisher.publish(Contracts.touchSms, [night, day]);

    await pollUntil(() => deliveriesOf(day.touchId).some((d) => d.status === 'sent'), { description: 'daytime SMS' });
    const row = await pollUntil(
      async () => {
        const r = await ledgerRow(night.touchId);
        return r?.next_attempt_at ? r : undefined;
      },
      { description: 'the night SMS deferred in the ledger' },
    );
    expect(row).toMatchObject({ status: 'pending', reason: 'quiet_hours', attempts: 0 });
    // Deferred to the window's end on the recipient's clock: 08:00 there, about six hours away.
    expect(row.next_attempt_at).toEqual(nextAllowedSend(publishedAt, nightZone, SMS_QUIET));
    expect(isQuiet(row.next_attempt_at!, nightZone, SMS_QUIET)).toBe(false);
    expect(isQuiet(new Date(row.next_attempt_at!.getTime() - 60_000), nightZone, SMS_QUIET)).toBe(true);
    expect(twilio.requestsTo(night.customer.phone!)).toHaveLength(0);
    expect(deliveriesOf(night.touchId)).toHaveLength(0);

    // Redelivered from the topic, it is still the ledger's: nothing goes out.
    await publisher.publish(Contracts.touchSms, [night, day]);
    await pollUntil(() => deliveriesOf(day.touchId).length >= 2, {
      description: 'the redelivered daytime SMS answered',
    });
    expect(twilio.requestsTo(night.customer.phone!)).toHaveLength(0);
    expect(twilio.requestsTo(day.customer.phone!)).toHaveLength(1);
  });

  it('skips an SMS whose deadline comes before the night ends, naming quiet hours', async () => {
    // Due 20 h ago: its deadline (a day) falls about four hours from now, before 08:00 there.
    const late = touch(newPhone(), zoneAt(2), new Date(Date.now() - 20 * HOUR_MS));
    await publisher.publish(Contracts.touchSms, [late]);
    const [d] = await pollUntil(() => deliveriesOf(late.touchId).length > 0 && deliveriesOf(late.touchId), {
      description: 'the late SMS answered',
    });
    expect(d).toMatchObject({ status: 'skipped', reason: 'stale_after_deferral:quiet_hours' });
    expect(twilio.requestsTo(late.customer.phone!)).toHaveLength(0);
  });
});
