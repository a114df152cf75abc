import 'reflect-metadata';
import {
  Contracts,
  deadLetterTopicSpec,
  type Abandonment,
  type Delivery,
  type StorefrontEventRecord,
} from '@reclaim/contracts';
import { pollUntil, startServiceUnderTest, type ServiceUnderTest } from '@reclaim/testing';
import { runService } from '@reclaim/platform';
import { AppModule } from '../src/app.module';
import { AttributionConfig } from '../src/config';
import { FunnelRepository } from '../src/funnel/funnel.repository';

/**
 * The attribution service's funnel on a real broker and Postgres: each storefront event,
 * abandonment (treated, held out, paused) and delivery counts once per store, however often Kafka
 * delivers it, a touch's click is credited once, and an unreadable record goes to the dead-letter
 * topic without stopping the rest.
 */
describe('attribution funnel (Kafka + Postgres)', () => {
  const storeId = `store-${Date.now().toString(36)}`;
  const cartId = 'cart-1';
  let sut: ServiceUnderTest<AttributionConfig>;

  beforeAll(async () => {
    sut = await startServiceUnderTest({
      name: 'attribution',
      schema: AttributionConfig,
      start: (config) => runService(AppModule.register(config), { port: 0, host: '127.0.0.1' }),
      observe: [deadLetterTopicSpec('attribution').name],
      source: '/test/upstream',
    });
  }, 60_000);

  afterAll(async () => {
    await sut?.close();
  });

  const funnel = () => sut.app.get(FunnelRepository).funnel(storeId);

  const event = (id: string, type: 'cart.created' | 'checkout.started'): StorefrontEventRecord => ({
    storeId,
    receivedAt: new Date().toISOString(),
    event: { id, type, occurredAt: new Date().toISOString(), cartId },
  });

  const abandonment = (abandonmentId: string, holdout: boolean): Abandonment => ({
    abandonmentId,
    storeId,
    cartId,
    stage: 'checkout',
    segment: 'checkout-abandoner',
    holdout,
    customer: { id: 'cust-1', email: 'ann@example.com' },
    consent: { email: true, sms: false, push: false },
    cart: { currency: 'EUR', items: [{ sku: 'MUG', title: 'Mug', quantity: 1, unitPrice: 1500 }], value: 1500 },
    lastActivityAt: new Date().toISOString(),
    abandonedAt: new Date().toISOString(),
    plan: [],
  });

  const delivery = (deliveryId: string, status: Delivery['status']): Delivery => ({
    deliveryId,
    touchId: `touch-${deliveryId}`,
    storeId,
    cartId,
    channel: 'email',
    sequence: 1,
    status,
    at: new Date().toISOString(),
  });

  it('counts each record once per store, redelivered or not', async () => {
    // Each topic's records share the cart key, so they are read in this order.
    const created = event('ev-1', 'cart.created');
    await sut.publisher.publish(Contracts.storefrontEvent, [created, created, event('ev-2', 'checkout.started')]);
    const treated = abandonment('ab-1', false);
    await sut.publisher.publish(Contracts.abandonment, [treated, treated, abandonment('ab-2', true)]);
    await sut.publisher.publish(Contracts.abandonmentPaused, [
      { abandonmentId: 'ab-1', storeId, cartId, sourceEventId: 'ev-3', resumedAt: new Date().toISOString() },
    ]);
    const sent = delivery('d-1', 'sent');
    await sut.publisher.publish(Contracts.delivery, [
      sent,
      sent,
      delivery('d-2', 'skipped'),
      delivery('d-3', 'unknown'),
    ]);

    const expected = {
      'event:cart.created': 1,
      'event:checkout.started': 1,
      'abandonment:treated': 1,
      'abandonment:holdout': 1,
      'abandonment:paused': 1,
      'delivery:email:sent': 1,
      'delivery:email:skipped': 1,
      'delivery:email:unknown': 1,
    };
    // The last record of each topic counted: everything before it on its partition was handled.
    await pollUntil(
      async () => {
        const f = await funnel();
        return f['event:checkout.started'] === 1 && f['abandonment:paused'] === 1 && f['delivery:email:unknown'] === 1;
      },
      { description: 'the last record of each topic counted' },
    );
    expect(await funnel()).toEqual(expected);
  });

  it('counts one credited click per touch, and repeats and prefetches apart', async () => {
    const click = (deliveryId: string, touchId: string, judged?: Delivery['click']): Delivery => ({
      ...delivery(deliveryId, 'clicked'),
      touchId,
      channel: 'sms',
      ...(judged && { click: judged }),
    });
    const first = click('t-1:clicked', 't-1', { credited: true, kind: 'first' });
    await sut.publisher.publish(Contracts.delivery, [
      click('t-1:clicked:p1', 't-1', { credited: false, kind: 'prefetch', why: 'HEAD request' }),
      first,
      first, // redelivered
      click('t-1:clicked:r1', 't-1', { credited: false, kind: 'repeat' }),
      // The same touch credited again under another id (a retried publish, an older ingestion): not twice.
      click('t-1:clicked:again', 't-1', { credited: true, kind: 'first' }),
      // Clicks from before clicks were judged: the first per touch counts, the next is a repeat.
      click('t-2:clicked:old-1', 't-2'),
      click('t-2:clicked:old-2', 't-2'),
      click('t-3:clicked', 't-3', { credited: true, kind: 'first' }),
    ]);
    // Seven distinct records (the redelivery aside): wait until each has been counted somewhere.
    const clicks = (f: Record<string, number>) =>
      Object.entries(f).reduce((n, [metric, count]) => (metric.startsWith('delivery:sms:clicked') ? n + count : n), 0);
    await pollUntil(async () => clicks(await funnel()) === 7, { description: 'every click counted' });
    const f = await funnel();
    expect({
      credited: f['delivery:sms:clicked'],
      repeats: f['delivery:sms:clicked:repeat'],
      prefetches: f['delivery:sms:clicked:prefetch'],
    }).toEqual({ credited: 3, repeats: 3, prefetches: 1 });
  });

  it('dead-letters an unreadable delivery with the reason and goes on', async () => {
    const valid = sut.publisher.message(Contracts.delivery, delivery('d-bad', 'sent'));
    await sut.publisher.sendMessages([{ ...valid, value: JSON.stringify({ deliveryId: 'd-bad' }) }]);
    await sut.publisher.publish(Contracts.delivery, [delivery('d-after', 'failed')]);
    const dead = await pollUntil(() => sut.observed.find((r) => r.headers['ce_id'] === 'd-bad'), {
      description: 'the unreadable delivery on the dead-letter topic',
    });
    expect(dead.headers['x-reclaim-dlq-reason']).toMatch(/does not match reclaim\.deliveries\.v1/);
    await pollUntil(async () => (await funnel())['delivery:email:failed'] === 1, {
      description: 'the delivery after it counted',
    });
  });
});
