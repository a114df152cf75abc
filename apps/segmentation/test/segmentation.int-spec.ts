import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import {
  Abandonment,
  AbandonmentPaused,
  type StorefrontEvent,
  type StorefrontEventRecord,
  Contracts,
} from '@reclaim/contracts';
import type { EventPublisher } from '@reclaim/kafka';
import { pollUntil, type ConsumedRecord, type ServiceUnderTest } from '@reclaim/testing';
import { AbandonmentSweeper } from '../src/abandonment/abandonment-sweeper.service';
import { CartStateRepository } from '../src/carts/cart-state.repository';
import type { SegmentationConfig } from '../src/config';
import { startSegmentation } from './segmentation-test-app';

/**
 * Segmentation against a real broker and Postgres, with RECOVERY_TIME_SCALE=0.001:
 * checkout idle 15 min = 0.9 s, cart idle 30 min = 1.8 s.
 */
describe('segmentation service (Kafka + Postgres)', () => {
  const storeId = `store-${Date.now().toString(36)}`;
  let service: ServiceUnderTest<SegmentationConfig>;
  let app: INestApplication;
  let publisher: EventPublisher;
  let observer: { records: ConsumedRecord[] };
  let seq = 0;

  beforeAll(async () => {
    service = await startSegmentation('segmentation', { source: '/test/ingestion' });
    ({ app, publisher } = service);
    observer = { records: service.observed };
  }, 60_000);

  afterAll(async () => {
    await service?.close();
  });

  const items = [
    { sku: 'MUG-1', title: 'Blue mug', quantity: 2, unitPrice: 1250 },
    { sku: 'TEA-1', title: 'Green tea', quantity: 1, unitPrice: 700 },
  ];

  function storefront(
    cartId: string,
    type: StorefrontEvent['type'],
    extra: Partial<StorefrontEvent> = {},
  ): StorefrontEventRecord {
    return {
      storeId,
      receivedAt: new Date().toISOString(),
      event: { id: `ev-${++seq}`, type, occurredAt: new Date().toISOString(), cartId, ...extra },
    };
  }

  const send = (...records: StorefrontEventRecord[]) => publisher.publish(Contracts.storefrontEvent, records);

  const abandonmentsOf = (cartId: string): Abandonment[] =>
    observer.records
      .filter((r) => r.headers['ce_type'] === Contracts.abandonment.ceType)
      .map((r) => Abandonment.parse(r.value))
      .filter((a) => a.storeId === storeId && a.cartId === cartId);

  /** A fresh checkout cart left idle: once its abandonment is out, every older idle window has been swept. */
  async function sweepPastEverythingSoFar(): Promise<void> {
    const cartId = `marker-${++seq}`;
    await send(
      storefront(cartId, 'cart.created', { cart: { currency: 'EUR', items } }),
      storefront(cartId, 'checkout.started', { checkout: { step: 'contact' } }),
    );
    await pollUntil(() => abandonmentsOf(cartId).length === 1, {
      timeoutMs: 20_000,
      description: `abandonment of ${cartId}`,
    });
  }

  it('turns an idle checkout cart into exactly one abandonment', async () => {
    const cartId = 'idle-checkout';
    await send(
      storefront(cartId, 'cart.created', {
        customer: { id: 'cust-1', email: 'ann@example.com', firstName: 'Ann' },
        cart: { currency: 'EUR', items },
      }),
      storefront(cartId, 'checkout.started', { checkout: { step: 'contact' }, consent: { sms: true } }),
    );

    const [abandonment] = await pollUntil(
      () => (abandonmentsOf(cartId).length > 0 ? abandonmentsOf(cartId) : undefined),
      {
        timeoutMs: 20_000,
        description: 'the idle checkout cart to be abandoned',
      },
    );
    expect(abandonment).toMatchObject({
      stage: 'checkout',
      segment: 'checkout-abandoner',
      holdout: false,
      customer: { id: 'cust-1', email: 'ann@example.com', firstName: 'Ann' },
      consent: { email: true, sms: true, push: false },
      cart: { currency: 'EUR', value: 3200 },
    });
    expect(abandonment!.plan.map((t) => [t.channel, t.sequence, t.offsetMs, t.template])).toEqual([
      ['email', 1, 3_600_000, 'reminder'],
      ['email', 2, 86_400_000, 'reassurance'],
      ['email', 3, 172_800_000, 'incentive'],
    ]);
    const idleFor = Date.parse(abandonment!.abandonedAt) - Date.parse(abandonment!.lastActivityAt);
    expect(idleFor).toBeGreaterThanOrEqual(900);

    await sweepPastEverythingSoFar();
    expect(abandonmentsOf(cartId)).toHaveLength(1);
    const state = await app.get(CartStateRepository).findCart(storeId, cartId);
    expect(state?.status).toBe('abandoned');
  });

  it('never abandons a cart ordered before its window ran out', async () => {
    const cartId = 'ordered-in-time';
    await send(
      storefront(cartId, 'cart.created', { cart: { currency: 'EUR', items } }),
      storefront(cartId, 'checkout.started', { checkout: { step: 'payment' } }),
      storefront(cartId, 'order.completed', { order: { id: 'order-1', total: 3200, currency: 'EUR' } }),
    );
    await pollUntil(async () => (await app.get(CartStateRepository).findCart(storeId, cartId))?.status === 'ordered', {
      timeoutMs: 20_000,
      description: 'the cart to be ordered',
    });

    await sweepPastEverythingSoFar();
    expect(abandonmentsOf(cartId)).toHaveLength(0);
  });

  it('ignores a redelivered event', async () => {
    const cartId = 'redelivered';
    const created = storefront(cartId, 'cart.created', { cart: { currency: 'EUR', items } });
    const viewed = storefront(cartId, 'cart.viewed');
    await send(created, storefront(cartId, 'checkout.started', { checkout: { step: 'contact' } }));
    await send(created); // the same record again: same CloudEvent id
    await send(viewed);

    const repository = app.get(CartStateRepository);
    const state = await pollUntil(
      async () => {
        const s = await repository.findCart(storeId, cartId);
        return s?.lastEventId === viewed.event.id ? s : undefined;
      },
      { timeoutMs: 20_000, description: 'the last event to be applied' },
    );
    expect(state.eventsApplied).toBe(3);
    expect(state.lastActivityAt?.toISOString()).toBe(new Date(viewed.event.occurredAt).toISOString());

    await pollUntil(() => abandonmentsOf(cartId).length > 0, { timeoutMs: 20_000, description: 'abandonment' });
    await send(viewed); // a redelivery after abandonment does not re-arm detection either
    await sweepPastEverythingSoFar();
    expect(abandonmentsOf(cartId)).toHaveLength(1);
    expect((await repository.findCart(storeId, cartId))?.eventsApplied).toBe(3);
  });

  const pausesOf = (cartId: string): AbandonmentPaused[] =>
    observer.records
      .filter((r) => r.headers['ce_type'] === Contracts.abandonmentPaused.ceType)
      .map((r) => AbandonmentPaused.parse(r.value))
      .filter((p) => p.storeId === storeId && p.cartId === cartId);

  it('pauses the live sequence and re-arms detection when the shopper comes back without ordering', async () => {
    const cartId = 'came-back';
    await send(
      storefront(cartId, 'cart.created', { cart: { currency: 'EUR', items } }),
      storefront(cartId, 'checkout.started'),
    );
    await pollUntil(() => abandonmentsOf(cartId).length === 1, { timeoutMs: 20_000, description: 'first abandonment' });
    const back = storefront(cartId, 'cart.viewed');
    await send(back);
    await send(back); // a redelivery pauses nothing more
    await pollUntil(() => abandonmentsOf(cartId).length === 2, {
      timeoutMs: 20_000,
      description: 'second abandonment',
    });
    const [first, second] = abandonmentsOf(cartId);
    expect(second!.abandonmentId).not.toBe(first!.abandonmentId);
    expect(Date.parse(second!.lastActivityAt)).toBeGreaterThan(Date.parse(first!.lastActivityAt));
    // The pause names the first abandonment, and comes before the second on the cart's partition.
    expect(pausesOf(cartId)).toEqual([
      {
        abandonmentId: first!.abandonmentId,
        storeId,
        cartId,
        sourceEventId: back.event.id,
        resumedAt: back.event.occurredAt,
      },
    ]);
    const onCart = observer.records.filter((r) => r.key === `${storeId}:${cartId}`).map((r) => r.headers['ce_type']);
    expect(onCart).toEqual([
      Contracts.abandonment.ceType,
      Contracts.abandonmentPaused.ceType,
      Contracts.abandonment.ceType,
    ]);
  });

  it('pauses nothing when the shopper comes back to buy', async () => {
    const cartId = 'came-back-to-buy';
    await send(
      storefront(cartId, 'cart.created', { cart: { currency: 'EUR', items } }),
      storefront(cartId, 'checkout.started'),
    );
    await pollUntil(() => abandonmentsOf(cartId).length === 1, { timeoutMs: 20_000, description: 'abandonment' });
    await send(storefront(cartId, 'order.completed', { order: { id: 'o-1', total: 3200, currency: 'EUR' } }));
    await pollUntil(async () => (await app.get(CartStateRepository).findCart(storeId, cartId))?.status === 'ordered', {
      description: 'the order applied',
    });
    await sweepPastEverythingSoFar();
    expect(pausesOf(cartId)).toEqual([]);
    expect(abandonmentsOf(cartId)).toHaveLength(1);
  });

  it('abandons each cart once while several sweeps run at the same time', async () => {
    const cartIds = Array.from({ length: 12 }, (_, i) => `busy-${i}`);
    await send(
      ...cartIds.flatMap((cartId) => [
        storefront(cartId, 'cart.created', { cart: { currency: 'EUR', items } }),
        storefront(cartId, 'checkout.started'),
      ]),
    );
    const repository = app.get(CartStateRepository);
    await pollUntil(
      async () =>
        (await Promise.all(cartIds.map((c) => repository.findCart(storeId, c)))).every((s) => s?.stage === 'checkout'),
      { timeoutMs: 20_000, description: 'all carts to reach checkout' },
    );
    const sut = app.get(AbandonmentSweeper);
    await pollUntil(
      async () => {
        await Promise.all([sut.sweepOnce(), sut.sweepOnce(), sut.sweepOnce()]);
        const states = await Promise.all(cartIds.map((c) => repository.findCart(storeId, c)));
        return states.every((s) => s?.status === 'abandoned');
      },
      { timeoutMs: 20_000, intervalMs: 50, description: 'every cart to be abandoned' },
    );
    await sweepPastEverythingSoFar();
    for (const cartId of cartIds) expect(abandonmentsOf(cartId)).toHaveLength(1);
  });
});
