import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Contracts, deadLetterTopicSpec, TouchDue, Topics, type Abandonment } from '@reclaim/contracts';
import { derivedId, loadConfig, type Clock } from '@reclaim/core';
import { EventPublisher, provisionTopics } from '@reclaim/kafka';
import { runService } from '@reclaim/platform';
import {
  collectTopics,
  createTestDatabase,
  pollUntil,
  testKafka,
  uniquePrefix,
  type ConsumedRecord,
  type TestDatabase,
} from '@reclaim/testing';
import { AppModule } from '../src/app.module';
import { SchedulerConfig } from '../src/config';

const NEW_YORK = 'America/New_York';

/** The system clock moved to another day: it keeps ticking from wherever it was set. */
class ShiftedClock implements Clock {
  private shiftMs = 0;
  now(): Date {
    return new Date(Date.now() + this.shiftMs);
  }
  setTo(at: string): void {
    this.shiftMs = Date.parse(at) - Date.now();
  }
}

/** "08:00 EST": the wall clock and the zone's abbreviation at that instant. */
const wallClock = (at: Date, zone: string) =>
  new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    hour: '2-digit',
    minute: '2-digit',
    timeZoneName: 'short',
  }).format(at);

interface TouchRow {
  status: string;
  reason: string | null;
  due_at: Date;
  original_due_at: Date | null;
  deferred_reason: string | null;
}

/**
 * SMS quiet hours (default 21:00–08:00) on the nights of a DST change and for a shopper whose zone
 * nobody knows, through the scheduler on the real broker and Postgres. The scheduler runs on a
 * clock set to those nights (AppModule's test-only clock seam); RECOVERY_TIME_SCALE is 1 and
 * SCHEDULER_MAX_DEFERRAL its default (12 h), as shipped.
 */
describe('scheduler quiet hours across DST and without a zone (Kafka + Postgres)', () => {
  const prefix = uniquePrefix('sched-dst');
  const { kafka, settings } = testKafka(prefix);
  const storeId = `store-${Date.now().toString(36)}`;
  const clock = new ShiftedClock();
  let db: TestDatabase;
  let app: INestApplication;
  let publisher: EventPublisher;
  let observer: { records: ConsumedRecord[]; stop(): Promise<void> };

  beforeAll(async () => {
    await provisionTopics(kafka, prefix);
    db = await createTestDatabase('scheduler_dst');
    const config = loadConfig(SchedulerConfig, {
      KAFKA_BROKERS: process.env['KAFKA_BROKERS'],
      KAFKA_TOPIC_PREFIX: prefix,
      DATABASE_URL: db.url,
      LOG_LEVEL: 'warn',
      SCHEDULER_POLL_INTERVAL_MS: '50',
      // No SCHEDULER_STORE_TIMEZONE: a shopper without zone or country has none at all.
    });
    app = await runService(AppModule.register(config, clock), { port: 0, host: '127.0.0.1' });
    publisher = new EventPublisher(kafka, settings, { source: '/test/upstream' });
    await publisher.connect();
    observer = await collectTopics(kafka, [
      `${prefix}${Topics.touchesSms.name}`,
      `${prefix}${Topics.deliveries.name}`,
      `${prefix}${deadLetterTopicSpec('scheduler').name}`,
    ]);
  }, 60_000);

  afterAll(async () => {
    await observer?.stop();
    await publisher?.disconnect();
    await app?.close();
    await db?.drop();
  });

  /** An abandonment right now (on the test clock) with one SMS due at once. */
  const smsAbandonment = (cartId: string, customer: Abandonment['customer']): Abandonment => {
    const abandonmentId = `ab-${cartId}`;
    const now = clock.now().toISOString();
    return {
      abandonmentId,
      storeId,
      cartId,
      stage: 'checkout',
      segment: 'checkout-abandoner',
      holdout: false,
      customer,
      consent: { email: true, sms: true, push: false },
      cart: { currency: 'USD', items: [{ sku: 'MUG', title: 'Mug', quantity: 1, unitPrice: 1500 }], value: 1500 },
      lastActivityAt: now,
      abandonedAt: now,
      plan: [
        {
          touchId: derivedId(abandonmentId, 'sms', '1'),
          sequence: 1,
          channel: 'sms',
          offsetMs: 0,
          template: 'reminder',
          incentive: 'none',
        },
      ],
    };
  };

  const published = (cartId: string) =>
    observer.records
      .filter((r) => r.topic.endsWith(Topics.touchesSms.name))
      .map((r) => TouchDue.parse(r.value))
      .filter((t) => t.storeId === storeId && t.cartId === cartId);
  const deliveriesOf = (cartId: string) =>
    observer.records
      .filter((r) => r.topic.endsWith(Topics.deliveries.name))
      .map((r) => r.value as { storeId: string; cartId: string })
      .filter((d) => d.storeId === storeId && d.cartId === cartId);

  const touchOf = async (cartId: string): Promise<TouchRow | undefined> => {
    const rows: TouchRow[] = await app
      .get(DataSource)
      .query(
        'SELECT status, reason, due_at, original_due_at, deferred_reason FROM touches WHERE store_id = $1 AND cart_id = $2',
        [storeId, cartId],
      );
    return rows[0];
  };
  const deferred = (cartId: string) =>
    pollUntil(
      async () => {
        const r = await touchOf(cartId);
        return r?.deferred_reason ? r : undefined;
      },
      { timeoutMs: 20_000, description: `the SMS of ${cartId} deferred` },
    );
  const dispatched = (cartId: string) =>
    pollUntil(() => published(cartId).length > 0 && published(cartId), {
      timeoutMs: 20_000,
      description: `the SMS of ${cartId} published`,
    });

  it('defers an SMS due at 01:30 EST on the spring-forward night to 08:00 EDT (12:00 UTC), and sends it then', async () => {
    // 2026-03-08: at 02:00 EST New York's clocks jump to 03:00 EDT.
    clock.setTo('2026-03-08T06:30:00Z'); // 01:30 EST
    const shopper = { id: 'cust-spring', phone: '+12125550101', timezone: NEW_YORK };
    await publisher.publish(Contracts.abandonment, [smsAbandonment('spring', shopper)]);

    const row = await deferred('spring');
    expect(row).toMatchObject({ status: 'scheduled', deferred_reason: 'quiet_hours' });
    expect(wallClock(row.original_due_at!, NEW_YORK)).toBe('01:30 EST');
    // 08:00 on the far side of the jump: 12:00 UTC, not 13:00 (08:00 at the night's EST offset).
    expect(row.due_at.toISOString()).toBe('2026-03-08T12:00:00.000Z');
    expect(wallClock(row.due_at, NEW_YORK)).toBe('08:00 EDT');
    expect(published('spring')).toEqual([]);

    clock.setTo('2026-03-08T12:00:00Z');
    const [touch] = await dispatched('spring');
    expect(touch?.dueAt).toBe('2026-03-08T12:00:00.000Z');
    // The touch says it was moved, from when, and why, in words (the zone its quiet hours were read in).
    expect(touch?.deferred).toEqual({
      plannedAt: row.original_due_at?.toISOString(),
      reason: 'quiet hours, America/New_York',
    });
    expect(await touchOf('spring')).toMatchObject({ status: 'dispatched', deferred_reason: 'quiet_hours' });
    expect(deliveriesOf('spring')).toEqual([]); // neither skipped nor cancelled
  });

  it('defers SMS due in both 01:30s of the fall-back night to 08:00 EST (13:00 UTC), and sends each once then', async () => {
    // 2026-11-01: at 02:00 EDT New York's clocks go back to 01:00 EST; 01:30 happens twice.
    clock.setTo('2026-11-01T05:30:00Z'); // the first 01:30, EDT
    await publisher.publish(Contracts.abandonment, [
      smsAbandonment('fall-first', { id: 'cust-fall-1', phone: '+12125550102', timezone: NEW_YORK }),
    ]);
    const first = await deferred('fall-first');
    clock.setTo('2026-11-01T06:30:00Z'); // the second 01:30, EST
    await publisher.publish(Contracts.abandonment, [
      smsAbandonment('fall-second', { id: 'cust-fall-2', phone: '+12125550103', timezone: NEW_YORK }),
    ]);
    const second = await deferred('fall-second');

    expect(wallClock(first.original_due_at!, NEW_YORK)).toBe('01:30 EDT');
    expect(wallClock(second.original_due_at!, NEW_YORK)).toBe('01:30 EST');
    for (const row of [first, second]) {
      expect(row).toMatchObject({ status: 'scheduled', deferred_reason: 'quiet_hours' });
      // 08:00 after the change: 13:00 UTC, not 12:00 (08:00 at the night's EDT offset, 07:00 EST).
      expect(row.due_at.toISOString()).toBe('2026-11-01T13:00:00.000Z');
      expect(wallClock(row.due_at, NEW_YORK)).toBe('08:00 EST');
    }
    expect([...published('fall-first'), ...published('fall-second')]).toEqual([]);

    clock.setTo('2026-11-01T13:00:00Z');
    const [a] = await dispatched('fall-first');
    const [b] = await dispatched('fall-second');
    expect([a?.dueAt, b?.dueAt]).toEqual(['2026-11-01T13:00:00.000Z', '2026-11-01T13:00:00.000Z']);
    // A later marker touch went out after them: neither was published twice meanwhile.
    await publisher.publish(Contracts.abandonment, [
      smsAbandonment('fall-marker', { id: 'cust-fall-3', phone: '+12125550104', timezone: NEW_YORK }),
    ]);
    await dispatched('fall-marker');
    expect([published('fall-first').length, published('fall-second').length]).toEqual([1, 1]);
  });

  it('holds an SMS for a shopper with no zone, no country and no store zone to the most restrictive reading', async () => {
    // 12:00 UTC: daytime in Paris, 02:00 in UTC+14 and UTC−10 (the edges of the inhabited world).
    clock.setTo('2026-06-15T12:00:00Z');
    await publisher.publish(Contracts.abandonment, [
      smsAbandonment('nowhere', { id: 'cust-nowhere', phone: '+12125550105' }),
      // The same moment for shoppers whose zone is known, directly or by their country: sent at once.
      smsAbandonment('paris', { id: 'cust-paris', phone: '+33612345001', timezone: 'Europe/Paris' }),
      smsAbandonment('france', { id: 'cust-france', phone: '+33612345002', country: 'FR' }),
    ]);
    await dispatched('paris');
    await dispatched('france');

    const row = await deferred('nowhere');
    expect(row).toMatchObject({ status: 'scheduled', deferred_reason: 'quiet_hours' });
    // The window's end on the last clock where it ends: 08:00 in UTC+14 (also 08:00 in UTC−10).
    expect(row.due_at.toISOString()).toBe('2026-06-15T18:00:00.000Z');
    expect(wallClock(row.due_at, 'Etc/GMT-14')).toBe('08:00 GMT+14');
    expect(wallClock(row.due_at, 'Etc/GMT+10')).toBe('08:00 GMT-10');
    expect(published('nowhere')).toEqual([]);
  });

  it('dead-lettered nothing', () => {
    expect(observer.records.filter((r) => r.topic.endsWith(deadLetterTopicSpec('scheduler').name))).toEqual([]);
  });
});
