import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  Contracts,
  Delivery,
  SuppressionScopes,
  TouchDue,
  Topics,
  type Abandonment,
  type Suppression,
} from '@reclaim/contracts';
import { derivedId, HOUR_MS, loadConfig } from '@reclaim/core';
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
import { ALREADY_SENT, PAUSED, SUPERSEDED, SUPERSEDED_BY_CART } from '../src/touches/domain/touch-plan';

const SCALE = 0.00005; // 1 h → 180 ms, 24 h → 4.32 s, 48 h → 8.64 s

/** The scheduler against a real broker and Postgres, time compressed by RECOVERY_TIME_SCALE. */
describe('scheduler service (Kafka + Postgres)', () => {
  const prefix = uniquePrefix('scheduler');
  const { kafka, settings } = testKafka(prefix);
  const storeId = `store-${Date.now().toString(36)}`;
  let db: TestDatabase;
  let app: INestApplication;
  let publisher: EventPublisher;
  let observer: { records: ConsumedRecord[]; stop(): Promise<void> };

  beforeAll(async () => {
    await provisionTopics(kafka, prefix);
    db = await createTestDatabase('scheduler');
    const config = loadConfig(SchedulerConfig, {
      KAFKA_BROKERS: process.env['KAFKA_BROKERS'],
      KAFKA_TOPIC_PREFIX: prefix,
      DATABASE_URL: db.url,
      LOG_LEVEL: 'warn',
      RECOVERY_TIME_SCALE: String(SCALE),
      SCHEDULER_POLL_INTERVAL_MS: '50',
    });
    app = await runService(AppModule.register(config), { port: 0, host: '127.0.0.1' });
    publisher = new EventPublisher(kafka, settings, { source: '/test/upstream' });
    await publisher.connect();
    observer = await collectTopics(kafka, [
      `${prefix}${Topics.touchesEmail.name}`,
      `${prefix}${Topics.deliveries.name}`,
    ]);
  }, 60_000);

  afterAll(async () => {
    await observer?.stop();
    await publisher?.disconnect();
    await app?.close();
    await db?.drop();
  });

  function abandonment(cartId: string, partial: Partial<Abandonment> = {}, offsetsH = [1, 24, 48]): Abandonment {
    const abandonmentId = `ab-${cartId}`;
    const abandonedAt = partial.abandonedAt ?? new Date().toISOString();
    return {
      abandonmentId,
      storeId,
      cartId,
      stage: 'checkout',
      segment: 'checkout-abandoner',
      holdout: false,
      customer: { id: `cust-${cartId}`, email: `${cartId}@example.com` },
      consent: { email: true, sms: false, push: false },
      cart: { currency: 'EUR', items: [{ sku: 'MUG', title: 'Mug', quantity: 1, unitPrice: 1500 }], value: 1500 },
      lastActivityAt: new Date(Date.parse(abandonedAt) - 1000).toISOString(),
      abandonedAt,
      plan: offsetsH.map((h, i) => ({
        touchId: derivedId(abandonmentId, 'email', String(i + 1)),
        sequence: i + 1,
        channel: 'email',
        offsetMs: h * HOUR_MS,
        template: ['reminder', 'reassurance', 'incentive'][i] ?? 'reminder',
        incentive: 'none',
      })),
      ...partial,
    };
  }

  function cartSuppression(cartId: string, reason: Suppression['reason'] = 'order_completed'): Suppression {
    return {
      scope: SuppressionScopes.cart(storeId, cartId),
      storeId,
      reason,
      cartId,
      sourceEventId: `order-${cartId}`,
      suppressedAt: new Date().toISOString(),
    };
  }

  const touchesOf = (cartId: string) =>
    observer.records
      .filter((r) => r.topic.endsWith(Topics.touchesEmail.name))
      .map((r) => ({ touch: TouchDue.parse(r.value), sentAt: Date.parse(r.headers['ce_time'] ?? '') }))
      .filter((t) => t.touch.storeId === storeId && t.touch.cartId === cartId);

  const deliveriesOf = (cartId: string) =>
    observer.records
      .filter((r) => r.topic.endsWith(Topics.deliveries.name))
      .map((r) => Delivery.parse(r.value))
      .filter((d) => d.storeId === storeId && d.cartId === cartId);

  const statusesOf = async (cartId: string): Promise<string[]> => {
    const rows: Array<{ status: string }> = await app
      .get(DataSource)
      .query('SELECT status FROM touches WHERE store_id = $1 AND cart_id = $2 ORDER BY sequence', [storeId, cartId]);
    return rows.map((r) => r.status);
  };

  const scheduledOf = async (cartId: string): Promise<Array<{ abandonment_id: string; sequence: number }>> =>
    app.get(DataSource).query(
      `SELECT abandonment_id, sequence FROM touches WHERE store_id = $1 AND cart_id = $2 AND status = 'scheduled'
          ORDER BY abandonment_id, sequence`,
      [storeId, cartId],
    );

  it('sends the three planned email touches at their scaled offsets, in order, once', async () => {
    const a = abandonment('happy');
    await publisher.publish(Contracts.abandonment, [a]);
    await publisher.publish(Contracts.abandonment, [a]); // redelivered: no second set of timers

    const touches = await pollUntil(() => (touchesOf('happy').length >= 3 ? touchesOf('happy') : undefined), {
      timeoutMs: 30_000,
      description: 'three email touches',
    });
    expect(touches.map((t) => [t.touch.sequence, t.touch.template])).toEqual([
      [1, 'reminder'],
      [2, 'reassurance'],
      [3, 'incentive'],
    ]);
    const abandonedAt = Date.parse(a.abandonedAt);
    for (const [i, hours] of [1, 24, 48].entries()) {
      const { touch, sentAt } = touches[i]!;
      const dueAt = abandonedAt + Math.round(hours * HOUR_MS * SCALE);
      expect(Date.parse(touch.dueAt)).toBe(dueAt);
      expect(sentAt).toBeGreaterThanOrEqual(dueAt);
      expect(sentAt - dueAt).toBeLessThan(3_000);
    }
    expect(touches[0]!.touch).toMatchObject({ abandonmentId: a.abandonmentId, customer: a.customer, cart: a.cart });
    expect(await statusesOf('happy')).toEqual(['dispatched', 'dispatched', 'dispatched']);
    expect(touchesOf('happy')).toHaveLength(3);
  });

  it('cancels all three touches when the suppression comes before the first', async () => {
    await publisher.publish(Contracts.abandonment, [abandonment('ordered-early', {}, [24, 36, 48])]);
    await pollUntil(async () => (await statusesOf('ordered-early')).length === 3, { description: 'timers to exist' });
    const suppression = cartSuppression('ordered-early');
    await publisher.publish(Contracts.suppression, [suppression]);
    await publisher.publish(Contracts.suppression, [suppression]); // redelivered: nothing more

    const cancelled = await pollUntil(
      () => (deliveriesOf('ordered-early').length >= 3 ? deliveriesOf('ordered-early') : undefined),
      { description: 'three cancelled deliveries' },
    );
    expect(cancelled.map((d) => [d.sequence, d.status, d.reason])).toEqual(
      expect.arrayContaining([
        [1, 'cancelled', 'order_completed'],
        [2, 'cancelled', 'order_completed'],
        [3, 'cancelled', 'order_completed'],
      ]),
    );
    expect(await statusesOf('ordered-early')).toEqual(['cancelled', 'cancelled', 'cancelled']);
    expect(touchesOf('ordered-early')).toHaveLength(0);
  });

  it('cancels the remaining touches when the suppression comes after the first', async () => {
    await publisher.publish(Contracts.abandonment, [abandonment('ordered-late')]);
    await pollUntil(() => touchesOf('ordered-late').length === 1, { description: 'the first touch' });
    await publisher.publish(Contracts.suppression, [cartSuppression('ordered-late')]);

    await pollUntil(() => deliveriesOf('ordered-late').length >= 2, { description: 'two cancelled deliveries' });
    expect(
      deliveriesOf('ordered-late')
        .map((d) => [d.sequence, d.status])
        .sort(),
    ).toEqual([
      [2, 'cancelled'],
      [3, 'cancelled'],
    ]);
    expect(await statusesOf('ordered-late')).toEqual(['dispatched', 'cancelled', 'cancelled']);
    expect(touchesOf('ordered-late').map((t) => t.touch.sequence)).toEqual([1]);
  });

  it('never schedules a touch for a cart suppressed before its abandonment arrived', async () => {
    const scope = SuppressionScopes.cart(storeId, 'suppressed-first');
    await publisher.publish(Contracts.suppression, [cartSuppression('suppressed-first')]);
    await pollUntil(
      async () =>
        (await app.get(DataSource).query<unknown[]>('SELECT 1 FROM suppressions WHERE scope = $1', [scope])).length ===
        1,
      { description: 'the suppression to be recorded' },
    );
    await publisher.publish(Contracts.abandonment, [abandonment('suppressed-first')]);

    await pollUntil(() => deliveriesOf('suppressed-first').length >= 3, { description: 'three cancelled deliveries' });
    expect(
      deliveriesOf('suppressed-first').every((d) => d.status === 'cancelled' && d.reason === 'order_completed'),
    ).toBe(true);
    expect(await statusesOf('suppressed-first')).toEqual(['cancelled', 'cancelled', 'cancelled']);
  });

  it('skips touches without consent or address and gives a hold-out nothing', async () => {
    await publisher.publish(Contracts.abandonment, [
      abandonment('no-consent', { consent: { email: false, sms: false, push: false } }),
      abandonment('no-address', { customer: { id: 'anon' } }),
      abandonment('held-out', { holdout: true, plan: [] }),
    ]);
    await pollUntil(() => deliveriesOf('no-consent').length >= 3 && deliveriesOf('no-address').length >= 3, {
      description: 'skipped deliveries',
    });
    expect(deliveriesOf('no-consent').map((d) => [d.status, d.reason])).toEqual(
      Array(3).fill(['skipped', 'no_consent']),
    );
    expect(deliveriesOf('no-address').map((d) => [d.status, d.reason])).toEqual(
      Array(3).fill(['skipped', 'no_address']),
    );
    const held: Array<{ holdout: boolean }> = await pollUntil(async () => {
      const rows: Array<{ holdout: boolean }> = await app
        .get(DataSource)
        .query('SELECT holdout FROM abandonments WHERE abandonment_id = $1', ['ab-held-out']);
      return rows.length === 1 ? rows : undefined;
    });
    expect(held).toEqual([{ holdout: true }]);
    expect(await statusesOf('held-out')).toEqual([]);
    expect(deliveriesOf('held-out')).toEqual([]);
  });

  it('keeps one live sequence per cart: a newer abandonment supersedes the earlier one, a replayed older one loses', async () => {
    const ago = (ms: number) => new Date(Date.now() - ms).toISOString();
    // Abandoned as a cart (two touches far ahead), then back, on to checkout, abandoned again.
    const first = abandonment('rearm-1', { cartId: 'rearm', stage: 'cart', abandonedAt: ago(60_000) }, [1000, 2000]);
    await publisher.publish(Contracts.abandonment, [first]);
    await pollUntil(async () => (await scheduledOf('rearm')).length === 2, { description: 'first sequence scheduled' });
    const second = abandonment('rearm-2', { cartId: 'rearm' }, [1000, 2000, 3000]);
    await publisher.publish(Contracts.abandonment, [second]);

    const cancelled = await pollUntil(
      () => {
        const c = deliveriesOf('rearm').filter((d) => d.status === 'cancelled');
        return c.length >= 2 ? c : undefined;
      },
      { description: 'the first sequence cancelled' },
    );
    expect(cancelled.map((d) => [d.abandonmentId, d.reason])).toEqual([
      [first.abandonmentId, SUPERSEDED],
      [first.abandonmentId, SUPERSEDED],
    ]);
    expect((await scheduledOf('rearm')).map((t) => t.abandonment_id)).toEqual([
      second.abandonmentId,
      second.abandonmentId,
      second.abandonmentId,
    ]);

    // An older abandonment that arrives late (a replay out of order) is the one cancelled.
    const stale = abandonment('rearm-0', { cartId: 'rearm', stage: 'cart', abandonedAt: ago(120_000) }, [1000]);
    await publisher.publish(Contracts.abandonment, [stale]);
    await pollUntil(
      () => deliveriesOf('rearm').some((d) => d.abandonmentId === stale.abandonmentId && d.reason === SUPERSEDED),
      { description: 'the stale abandonment cancelled' },
    );
    expect((await scheduledOf('rearm')).map((t) => t.abandonment_id)).toEqual([
      second.abandonmentId,
      second.abandonmentId,
      second.abandonmentId,
    ]);
  });

  it('pauses the live sequence when the shopper comes back, and the next abandonment continues where it stopped', async () => {
    const ago = (ms: number) => new Date(Date.now() - ms).toISOString();
    // Email 1 is due at once; emails 2 and 3 are far ahead.
    const first = abandonment('pause-1', { cartId: 'pause', abandonedAt: ago(30_000) }, [0, 1000, 2000]);
    await publisher.publish(Contracts.abandonment, [first]);
    await pollUntil(() => touchesOf('pause').length === 1, { description: 'email 1 of the first sequence' });

    // The shopper is back on the cart: segmentation publishes the pause (twice here: a redelivery).
    const paused = {
      abandonmentId: first.abandonmentId,
      storeId,
      cartId: 'pause',
      sourceEventId: 'evt-back',
      resumedAt: ago(10_000),
    };
    await publisher.publish(Contracts.abandonmentPaused, [paused]);
    await publisher.publish(Contracts.abandonmentPaused, [paused]);
    const pausedDeliveries = await pollUntil(
      () => {
        const c = deliveriesOf('pause').filter((d) => d.reason === PAUSED);
        return c.length >= 2 ? c : undefined;
      },
      { description: 'emails 2 and 3 paused' },
    );
    expect(pausedDeliveries.map((d) => [d.sequence, d.status])).toEqual([
      [2, 'cancelled'],
      [3, 'cancelled'],
    ]);
    expect(await scheduledOf('pause')).toEqual([]);

    // Idle again: the new sequence skips the email already sent and schedules the rest.
    const second = abandonment('pause-2', { cartId: 'pause' }, [0, 1000, 2000]);
    await publisher.publish(Contracts.abandonment, [second]);
    const [skipped] = await pollUntil(
      () => {
        const s = deliveriesOf('pause').filter((d) => d.abandonmentId === second.abandonmentId);
        return s.length > 0 ? s : undefined;
      },
      { description: 'the new sequence planned' },
    );
    expect(skipped).toMatchObject({ sequence: 1, status: 'skipped', reason: ALREADY_SENT });
    expect(await scheduledOf('pause')).toEqual([
      { abandonment_id: second.abandonmentId, sequence: 2 },
      { abandonment_id: second.abandonmentId, sequence: 3 },
    ]);
    // Email 1 went out once, for the first sequence only; the redelivered pause changed nothing more.
    expect(touchesOf('pause').map((t) => [t.touch.abandonmentId, t.touch.sequence])).toEqual([
      [first.abandonmentId, 1],
    ]);
    expect(deliveriesOf('pause').filter((d) => d.reason === PAUSED)).toHaveLength(2);
  });

  it('runs one sequence per shopper: the cart touched most recently wins, a late older cart loses', async () => {
    const customer = { id: 'cust-many-carts', email: 'many@example.com' };
    const ago = (ms: number) => new Date(Date.now() - ms).toISOString();
    const older = abandonment('shop-older', { customer, abandonedAt: ago(20_000) }, [1000, 2000]);
    await publisher.publish(Contracts.abandonment, [older]);
    await pollUntil(async () => (await scheduledOf('shop-older')).length === 2, {
      description: 'first cart scheduled',
    });

    const newer = abandonment('shop-newer', { customer, abandonedAt: ago(10_000) }, [1000, 2000]);
    await publisher.publish(Contracts.abandonment, [newer]);
    const superseded = await pollUntil(
      () => {
        const c = deliveriesOf('shop-older').filter((d) => d.reason === SUPERSEDED_BY_CART);
        return c.length >= 2 ? c : undefined;
      },
      { description: "the older cart's sequence cancelled" },
    );
    expect(superseded.map((d) => d.status)).toEqual(['cancelled', 'cancelled']);
    expect((await scheduledOf('shop-newer')).map((t) => t.sequence)).toEqual([1, 2]);

    // A cart the shopper left before both, whose abandonment arrives last, is born cancelled.
    const late = abandonment('shop-late', { customer, abandonedAt: ago(30_000) }, [1000, 2000]);
    await publisher.publish(Contracts.abandonment, [late]);
    await pollUntil(() => deliveriesOf('shop-late').filter((d) => d.reason === SUPERSEDED_BY_CART).length === 2, {
      description: 'the late older cart cancelled',
    });
    expect(await scheduledOf('shop-late')).toEqual([]);
    expect((await scheduledOf('shop-newer')).map((t) => t.sequence)).toEqual([1, 2]);
    // The live sequence itself was never cancelled.
    expect(deliveriesOf('shop-newer')).toEqual([]);
  });

  it('cancels touches on a consent withdrawal under any subject, and plans again once a tombstone lifts it', async () => {
    const customer = { id: 'cust-consent', email: 'Consent@Example.com' };
    const first = abandonment('consent-1', { customer }, [1000, 2000]);
    await publisher.publish(Contracts.abandonment, [first]);
    await pollUntil(async () => (await scheduledOf('consent-1')).length === 2, { description: 'scheduled' });

    // Withdrawn on another cart of the same address: the subject is the e-mail.
    const scope = SuppressionScopes.consent('email', storeId, { kind: 'email', value: 'consent@example.com' });
    const withdrawal: Suppression = {
      scope,
      storeId,
      reason: 'consent_withdrawn',
      cartId: 'another-cart',
      sourceEventId: 'evt-withdraw',
      suppressedAt: new Date().toISOString(),
    };
    await publisher.publish(Contracts.suppression, [withdrawal]);
    await pollUntil(() => deliveriesOf('consent-1').filter((d) => d.reason === 'consent_withdrawn').length === 2, {
      description: 'both touches cancelled by the withdrawal',
    });
    expect(await scheduledOf('consent-1')).toEqual([]);

    // A later abandonment is born cancelled while the withdrawal stands...
    const second = abandonment('consent-2', { customer }, [1000]);
    await publisher.publish(Contracts.abandonment, [second]);
    await pollUntil(() => deliveriesOf('consent-2').some((d) => d.reason === 'consent_withdrawn'), {
      description: 'born cancelled',
    });
    // ...and one after the grant's tombstone is scheduled again.
    await publisher.sendMessages([publisher.tombstone(Topics.suppressions, scope)]);
    await pollUntil(
      async () => {
        const rows: unknown[] = await app.get(DataSource).query('SELECT 1 FROM suppressions WHERE scope = $1', [scope]);
        return rows.length === 0;
      },
      { description: 'the withdrawal lifted' },
    );
    const third = abandonment('consent-3', { customer }, [1000]);
    await publisher.publish(Contracts.abandonment, [third]);
    await pollUntil(async () => (await scheduledOf('consent-3')).length === 1, { description: 'scheduled again' });
    expect(deliveriesOf('consent-3')).toEqual([]);
  });

  it("stops a guest's other carts through the e-mail of their order, if last touched before it", async () => {
    const guest = { email: 'guest@example.com' };
    const ago = (ms: number) => new Date(Date.now() - ms).toISOString();
    // Two carts of a guest (no customer id), on different shoppers' keys so both stay live.
    const before = abandonment('guest-before', { customer: guest, abandonedAt: ago(5_000) }, [1000]);
    await publisher.publish(Contracts.abandonment, [before]);
    await pollUntil(async () => (await scheduledOf('guest-before')).length === 1, { description: 'scheduled' });
    await publisher.publish(Contracts.suppression, [
      {
        scope: SuppressionScopes.shopperEmail(storeId, 'Guest@example.com'),
        storeId,
        reason: 'order_completed',
        cartId: 'guest-order',
        sourceEventId: 'evt-guest-order',
        suppressedAt: new Date().toISOString(),
      },
    ]);
    await pollUntil(() => deliveriesOf('guest-before').some((d) => d.reason === 'order_completed'), {
      description: 'the earlier cart cancelled by the order',
    });
    // A cart the guest works on after the order is not stopped by it.
    const after = abandonment(
      'guest-after',
      { customer: guest, abandonedAt: new Date(Date.now() + 5_000).toISOString() },
      [1000],
    );
    await publisher.publish(Contracts.abandonment, [after]);
    await pollUntil(async () => (await scheduledOf('guest-after')).length === 1, { description: 'scheduled' });
    expect(deliveriesOf('guest-after')).toEqual([]);
  });

  it('published every touch and every delivery once, redeliveries included', () => {
    const ids = (topic: string, id: (v: unknown) => string) =>
      observer.records.filter((r) => r.topic.endsWith(topic)).map((r) => id(r.value));
    const touchIds = ids(Topics.touchesEmail.name, (v) => TouchDue.parse(v).touchId);
    const deliveryIds = ids(Topics.deliveries.name, (v) => Delivery.parse(v).deliveryId);
    expect(touchIds.length).toBeGreaterThan(0);
    expect(new Set(touchIds).size).toBe(touchIds.length);
    expect(new Set(deliveryIds).size).toBe(deliveryIds.length);
    expect(deliveriesOf('ordered-early')).toHaveLength(3);
  });
});
