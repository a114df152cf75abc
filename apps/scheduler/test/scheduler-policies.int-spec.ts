import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Contracts, Delivery, TouchDue, Topics, type Abandonment, type Channel } from '@reclaim/contracts';
import { derivedId, HOUR_MS, loadConfig, TimeScale } from '@reclaim/core';
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
import { isQuiet, nextAllowedSend } from '@reclaim/delivery';

const SCALE = 0.0001; // business 4 h (the minimum gap) → 1.44 s
const MIN_GAP_MS = Math.round(4 * HOUR_MS * SCALE);
const SMS_QUIET = { start: '21:00', end: '08:00' };

/**
 * A fixed-offset zone where it is about 02:00 right now, deep inside the default SMS quiet hours
 * (Etc/GMT-5 is UTC+5: the sign is inverted in these names).
 */
function zoneWhereItIsNight(now: Date): string {
  return zoneWhereTheHourIs(2, now);
}

function zoneWhereTheHourIs(hour: number, now: Date): string {
  let offset = hour - now.getUTCHours();
  if (offset < -12) offset += 24;
  if (offset > 14) offset -= 24;
  if (offset === 0) return 'Etc/GMT';
  return offset > 0 ? `Etc/GMT-${offset}` : `Etc/GMT+${-offset}`;
}

interface TouchRow {
  status: string;
  reason: string | null;
  due_at: Date;
  original_due_at: Date | null;
  deferred_reason: string | null;
  dispatched_at: Date | null;
}

/** Scheduler policies against a real broker and Postgres: deferring rather than dropping. */
describe('scheduler policies (Kafka + Postgres)', () => {
  const prefix = uniquePrefix('sched-pol');
  const { kafka, settings } = testKafka(prefix);
  const storeId = `store-${Date.now().toString(36)}`;
  const nightZone = zoneWhereItIsNight(new Date());
  const dayZone = zoneWhereTheHourIs(13, new Date());
  let db: TestDatabase;
  let app: INestApplication;
  let publisher: EventPublisher;
  let observer: { records: ConsumedRecord[]; stop(): Promise<void> };

  beforeAll(async () => {
    await provisionTopics(kafka, prefix);
    db = await createTestDatabase('scheduler_policies');
    const config = loadConfig(SchedulerConfig, {
      KAFKA_BROKERS: process.env['KAFKA_BROKERS'],
      KAFKA_TOPIC_PREFIX: prefix,
      DATABASE_URL: db.url,
      LOG_LEVEL: 'warn',
      RECOVERY_TIME_SCALE: String(SCALE),
      SCHEDULER_POLL_INTERVAL_MS: '50',
      // Defaults for quiet hours (SMS 21:00–08:00, email off), gap (4 h) and daily cap (2).
      // Quiet hours run on the real clock while the staleness limit is scaled: 12 000 business
      // days × 0.0001 = 28.8 real hours, so a night-time SMS can wait for the morning here.
      SCHEDULER_MAX_DEFERRAL: '12000d',
    });
    app = await runService(AppModule.register(config), { port: 0, host: '127.0.0.1' });
    publisher = new EventPublisher(kafka, settings, { source: '/test/upstream' });
    await publisher.connect();
    observer = await collectTopics(kafka, [
      `${prefix}${Topics.touchesEmail.name}`,
      `${prefix}${Topics.touchesSms.name}`,
      `${prefix}${Topics.deliveries.name}`,
    ]);
  }, 60_000);

  afterAll(async () => {
    await observer?.stop();
    await publisher?.disconnect();
    await app?.close();
    await db?.drop();
  });

  function abandonment(
    cartId: string,
    customer: Abandonment['customer'],
    touches: Array<{ channel: Channel; offsetH: number }>,
    abandonedAt = new Date(),
  ): Abandonment {
    const abandonmentId = `ab-${cartId}`;
    return {
      abandonmentId,
      storeId,
      cartId,
      stage: 'checkout',
      segment: 'checkout-abandoner',
      holdout: false,
      customer,
      consent: { email: true, sms: true, push: false },
      cart: { currency: 'EUR', items: [{ sku: 'MUG', title: 'Mug', quantity: 1, unitPrice: 1500 }], value: 1500 },
      lastActivityAt: abandonedAt.toISOString(),
      abandonedAt: abandonedAt.toISOString(),
      plan: touches.map((t, i) => ({
        touchId: derivedId(abandonmentId, t.channel, String(i + 1)),
        sequence: i + 1,
        channel: t.channel,
        offsetMs: t.offsetH * HOUR_MS,
        template: 'reminder',
        incentive: 'none',
      })),
    };
  }

  const published = (cartId: string) =>
    observer.records
      .filter((r) => r.topic.endsWith(Topics.touchesEmail.name) || r.topic.endsWith(Topics.touchesSms.name))
      .map((r) => ({ touch: TouchDue.parse(r.value), sentAt: Date.parse(r.headers['ce_time'] ?? '') }))
      .filter((t) => t.touch.storeId === storeId && t.touch.cartId === cartId);

  const deliveriesOf = (cartId: string) =>
    observer.records
      .filter((r) => r.topic.endsWith(Topics.deliveries.name))
      .map((r) => Delivery.parse(r.value))
      .filter((d) => d.storeId === storeId && d.cartId === cartId);

  const touchOf = async (cartId: string): Promise<TouchRow | undefined> => {
    const rows: TouchRow[] = await app.get(DataSource).query(
      `SELECT status, reason, due_at, original_due_at, deferred_reason, dispatched_at FROM touches
          WHERE store_id = $1 AND cart_id = $2`,
      [storeId, cartId],
    );
    return rows[0];
  };

  it('defers an SMS due in the shopper’s quiet hours to the end of the window, and publishes nothing yet', async () => {
    const a = abandonment('night-sms', { id: 'cust-night', phone: '+33612345678', timezone: nightZone }, [
      { channel: 'sms', offsetH: 0 },
    ]);
    await publisher.publish(Contracts.abandonment, [a]);

    const row = await pollUntil(
      async () => {
        const r = await touchOf('night-sms');
        return r?.deferred_reason ? r : undefined;
      },
      { timeoutMs: 20_000, description: 'the SMS touch to be deferred' },
    );
    const plannedDue = new Date(Date.parse(a.abandonedAt) + new TimeScale(SCALE).ms(0));
    expect(row).toMatchObject({ status: 'scheduled', reason: null, deferred_reason: 'quiet_hours' });
    expect(row.original_due_at).toEqual(plannedDue);
    // Moved to 08:00 local the same night: hours away, outside the window, exactly its end.
    expect(isQuiet(plannedDue, nightZone, SMS_QUIET)).toBe(true);
    expect(row.due_at.getTime() - Date.now()).toBeGreaterThan(4 * 3_600_000);
    expect(isQuiet(row.due_at, nightZone, SMS_QUIET)).toBe(false);
    expect(row.due_at).toEqual(nextAllowedSend(row.original_due_at ?? plannedDue, nightZone, SMS_QUIET));
    expect(
      new Intl.DateTimeFormat('en-GB', { timeZone: nightZone, hour: '2-digit', minute: '2-digit' }).format(row.due_at),
    ).toBe('08:00');
    // Deferring and publishing share one transaction: a deferred touch published nothing.
    expect(published('night-sms')).toEqual([]);
    expect(deliveriesOf('night-sms')).toEqual([]);
  });

  it('defers a second abandonment’s touch to the same shopper by the minimum gap, then sends it', async () => {
    // Email has no quiet hours by default, so the night zone does not hold these back.
    const customer = { id: 'cust-gap', email: 'gap@example.com', timezone: nightZone };
    await publisher.publish(Contracts.abandonment, [
      abandonment('gap-first', customer, [{ channel: 'email', offsetH: 0 }]),
    ]);
    const [first] = await pollUntil(() => (published('gap-first').length === 1 ? published('gap-first') : undefined), {
      timeoutMs: 20_000,
      description: 'the first shopper touch',
    });
    // The same shopper abandons another cart right after the first touch went out.
    await publisher.publish(Contracts.abandonment, [
      abandonment('gap-second', customer, [{ channel: 'email', offsetH: 0 }]),
    ]);
    const deferred = await pollUntil(
      async () => {
        const r = await touchOf('gap-second');
        return r?.deferred_reason ? r : undefined;
      },
      { timeoutMs: 20_000, description: 'the second touch to be deferred' },
    );
    const firstRow = await touchOf('gap-first');
    expect(firstRow?.status).toBe('dispatched');
    const firstSentAt = firstRow?.dispatched_at?.getTime() ?? NaN;
    expect(deferred.deferred_reason).toBe('min_gap');
    expect(deferred.due_at.getTime()).toBe(firstSentAt + MIN_GAP_MS);

    // Deferred, not dropped: it goes out once the gap has passed.
    const [second] = await pollUntil(
      () => (published('gap-second').length === 1 ? published('gap-second') : undefined),
      { timeoutMs: 20_000, description: 'the second touch after the gap' },
    );
    expect(second?.sentAt).toBeGreaterThanOrEqual(firstSentAt + MIN_GAP_MS);
    expect(second?.touch.deferred).toEqual({
      plannedAt: deferred.original_due_at?.toISOString(),
      reason: 'minimum gap between messages',
    });
    // The gap is kept between the recorded dispatch times (publish times add processing latency).
    // The touch is published inside the transaction that records it dispatched, so the record can be
    // read a moment before that transaction commits: wait for the commit.
    const secondRow = await pollUntil(
      async () => {
        const r = await touchOf('gap-second');
        return r?.status === 'dispatched' ? r : undefined;
      },
      { timeoutMs: 10_000, description: 'the second touch recorded dispatched' },
    );
    expect(secondRow).toMatchObject({ status: 'dispatched', deferred_reason: 'min_gap' });
    expect((secondRow?.dispatched_at?.getTime() ?? 0) - firstSentAt).toBeGreaterThanOrEqual(MIN_GAP_MS);
    expect(first?.sentAt).toBeGreaterThanOrEqual(firstSentAt);
    expect(first?.touch.deferred).toBeUndefined(); // sent when planned
    expect(deliveriesOf('gap-second')).toEqual([]);
  });

  it('skips a touch whose next allowed moment is past the staleness limit, with the reason', async () => {
    // A backlog: the SMS was due 40 real hours ago (after downtime, say); the morning is past
    // its original due time + SCHEDULER_MAX_DEFERRAL (28.8 real hours here), so it is stale.
    const longAgo = new Date(Date.now() - 40 * 3_600_000);
    const a = abandonment(
      'stale-sms',
      { id: 'cust-stale', phone: '+33612345679', timezone: nightZone },
      [{ channel: 'sms', offsetH: 0 }],
      longAgo,
    );
    await publisher.publish(Contracts.abandonment, [a]);

    const [skipped] = await pollUntil(
      () => (deliveriesOf('stale-sms').length > 0 ? deliveriesOf('stale-sms') : undefined),
      { timeoutMs: 20_000, description: 'the skipped delivery' },
    );
    expect(skipped).toMatchObject({ status: 'skipped', reason: 'stale_after_deferral:quiet_hours', channel: 'sms' });
    expect(await touchOf('stale-sms')).toMatchObject({ status: 'skipped', reason: 'stale_after_deferral:quiet_hours' });
    expect(published('stale-sms')).toEqual([]);
  });

  it('holds a third touch within 24 h to the same shopper until the first leaves the daily cap window', async () => {
    // 0 h, 5 h, 10 h: the gap (4 h) is respected, but the third would be the third in 24 h.
    const customer = { id: 'cust-daily', email: 'daily@example.com', timezone: dayZone };
    const a = abandonment('daily', customer, [
      { channel: 'email', offsetH: 0 },
      { channel: 'email', offsetH: 5 },
      { channel: 'email', offsetH: 10 },
    ]);
    await publisher.publish(Contracts.abandonment, [a]);

    const sent = await pollUntil(() => (published('daily').length === 3 ? published('daily') : undefined), {
      timeoutMs: 30_000,
      description: 'all three touches, the third after the cap window',
    });
    const rows: Array<{ sequence: number; deferred_reason: string | null; dispatched_at: Date }> = await app
      .get(DataSource)
      .query('SELECT sequence, deferred_reason, dispatched_at FROM touches WHERE cart_id = $1 ORDER BY sequence', [
        'daily',
      ]);
    expect(rows.map((r) => r.deferred_reason)).toEqual([null, null, 'daily_cap']);
    const dayMs = Math.round(24 * HOUR_MS * SCALE);
    expect(rows[2]!.dispatched_at.getTime()).toBeGreaterThanOrEqual(rows[0]!.dispatched_at.getTime() + dayMs);
    expect(sent.map((t) => t.touch.sequence)).toEqual([1, 2, 3]);
  });

  it('gives a cart at most two SMS: the third is skipped with channel_cap', async () => {
    const customer = { id: 'cust-sms-cap', phone: '+33612345670', timezone: dayZone };
    await publisher.publish(Contracts.abandonment, [
      abandonment('sms-cap', customer, [
        { channel: 'sms', offsetH: 0 },
        { channel: 'sms', offsetH: 5 },
        { channel: 'sms', offsetH: 10 },
      ]),
    ]);
    const [skipped] = await pollUntil(
      () => (deliveriesOf('sms-cap').length > 0 ? deliveriesOf('sms-cap') : undefined),
      { timeoutMs: 20_000, description: 'the third SMS skipped' },
    );
    expect(skipped).toMatchObject({ sequence: 3, status: 'skipped', reason: 'channel_cap' });
    expect(published('sms-cap').map((t) => t.touch.sequence)).toEqual([1, 2]);
  });

  it('still holds the night-time SMS, unpublished, after the other shoppers were served', async () => {
    expect(published('night-sms')).toEqual([]);
    expect(await touchOf('night-sms')).toMatchObject({ status: 'scheduled', deferred_reason: 'quiet_hours' });
  });
});
