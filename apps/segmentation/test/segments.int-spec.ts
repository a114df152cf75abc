import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { Abandonment, Contracts, type StorefrontEvent, type StorefrontEventRecord } from '@reclaim/contracts';
import type { EventPublisher } from '@reclaim/kafka';
import { eventClock, pollUntil, type ConsumedRecord, type ServiceUnderTest } from '@reclaim/testing';
import { DataSource } from 'typeorm';
import { isActivity } from '../src/carts/domain/cart-state';
import type { SegmentationConfig } from '../src/config';
import { startSegmentation } from './segmentation-test-app';

/**
 * Signals → segment → plan on a real broker and Postgres, with the built-in recovery config and
 * RECOVERY_TIME_SCALE=0.001 (checkout idle 15 min = 0.9 s).
 */
describe('segments, angles and incentives (Kafka + Postgres)', () => {
  const storeId = `store-${Date.now().toString(36)}`;
  let service: ServiceUnderTest<SegmentationConfig>;
  let app: INestApplication;
  let publisher: EventPublisher;
  let observer: { records: ConsumedRecord[] };
  let seq = 0;
  const occurredAt = eventClock();

  beforeAll(async () => {
    service = await startSegmentation('segments', { source: '/test/ingestion' });
    ({ app, publisher } = service);
    observer = { records: service.observed };
    // Idle time counts from the events' own timestamps: a consumer still joining its group when
    // a test's events are published could see them as idle already and abandon a cart between
    // two of its events. One cart abandoned end to end shows the consumer is caught up.
    await send(storefront('warm-up', 'cart.created', { cart: { currency: 'EUR', items } }));
    await abandonmentOf('warm-up');
  }, 60_000);

  afterAll(async () => {
    await service?.close();
  });

  const items = [{ sku: 'LS-1', title: 'Linen Shirt', quantity: 1, unitPrice: 4900 }];

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

  async function abandonmentOf(cartId: string): Promise<Abandonment> {
    const [first] = await pollUntil(() => (abandonmentsOf(cartId).length > 0 ? abandonmentsOf(cartId) : undefined), {
      timeoutMs: 20_000,
      description: `abandonment of ${cartId}`,
    });
    if (!first) throw new Error(`no abandonment of ${cartId}`);
    return first;
  }

  async function checkoutAbandon(
    cartId: string,
    customer: StorefrontEvent['customer'],
    ...more: StorefrontEventRecord[]
  ) {
    // Sent in this order, stamped in this order (`more` was built first): distinct, increasing
    // times, so the abandonment that saw the last event can be told from an earlier one.
    const records = [
      storefront(cartId, 'cart.created', { customer, cart: { currency: 'EUR', items }, device: 'mobile' }),
      storefront(cartId, 'checkout.started', { checkout: { step: 'contact' } }),
      ...more,
    ].map((r) => ({ ...r, event: { ...r.event, occurredAt: occurredAt() } }));
    await send(...records);
    // The abandonment that saw every activity sent: on a loaded machine the sweep (0.9 s window
    // here) may abandon the cart before its last events are applied; they then pause it, and
    // detection re-arms with the full picture.
    const lastActivity = Math.max(
      ...records.filter((r) => isActivity(r.event.type)).map((r) => Date.parse(r.event.occurredAt)),
    );
    return pollUntil(() => abandonmentsOf(cartId).find((a) => Date.parse(a.lastActivityAt) >= lastActivity), {
      timeoutMs: 20_000,
      description: `the abandonment of ${cartId} after all its events`,
    });
  }

  it('steers a payment-error checkout abandoner to payment options on the next touch', async () => {
    const cartId = 'payment-error';
    const sut = await checkoutAbandon(
      cartId,
      { id: 'cust-pay', email: 'pay@example.com', ordersCount: 2 },
      storefront(cartId, 'checkout.step_completed', { checkout: { step: 'payment' } }),
      storefront(cartId, 'checkout.error', { error: { code: 'payment_declined' } }),
    );
    expect(sut).toMatchObject({ stage: 'checkout', segment: 'checkout-payment-error' });
    expect(sut.plan.map((t) => [t.sequence, t.channel, t.offsetMs, t.template])).toEqual([
      [1, 'email', 3_600_000, 'reminder'],
      [2, 'email', 86_400_000, 'reassurance'],
      [3, 'email', 172_800_000, 'incentive'],
    ]);
    expect(sut.plan[0]?.angle).toBe('payment_options');
  });

  it('adds the SMS at 2 h to the checkout plan for a shopper reachable by SMS', async () => {
    const sut = await checkoutAbandon(
      'sms-reachable',
      { id: 'cust-sms', email: 'sms@example.com', phone: '+33612345678', ordersCount: 1 },
      storefront('sms-reachable', 'consent.updated', { consent: { sms: true } }),
    );
    expect(sut.segment).toBe('checkout-abandoner');
    expect(sut.plan.map((t) => [t.channel, t.offsetMs])).toEqual([
      ['email', 3_600_000],
      ['sms', 7_200_000],
      ['email', 86_400_000],
      ['email', 172_800_000],
    ]);
  });

  it('plans no incentive for a returning customer', async () => {
    const sut = await checkoutAbandon('returning', { id: 'cust-ret', email: 'ret@example.com', ordersCount: 4 });
    expect(sut.plan).toHaveLength(3);
    expect(sut.plan.every((t) => t.incentive === 'none')).toBe(true);
    expect(sut.plan[1]?.angle).toBe('delivery');
  });

  it("puts the incentive on a first-time buyer's email 3, and none on a second abandonment within the cooldown", async () => {
    const shopper = { id: 'cust-new', email: 'New@Example.com', ordersCount: 0 };
    const first = await checkoutAbandon('first-time-1', shopper);
    expect(first.plan.map((t) => t.incentive !== 'none')).toEqual([false, false, true]);
    expect(first.plan[2]?.incentive).toMatch(/^(percent_10|free_shipping)$/);
    expect(first.plan[1]?.angle).toBe('returns');

    const rows: Array<{ subject: string; abandonment_id: string }> = await app
      .get(DataSource)
      .query('SELECT subject, abandonment_id FROM issued_incentives WHERE store_id = $1 ORDER BY subject', [storeId]);
    expect(rows).toEqual([
      { subject: 'customer:cust-new', abandonment_id: first.abandonmentId },
      { subject: 'email:new@example.com', abandonment_id: first.abandonmentId },
    ]);

    // The same shopper by email only (a guest checkout), another cart, well within the 30 d cooldown: nothing.
    const second = await checkoutAbandon('first-time-2', { email: 'new@example.com', ordersCount: 0 });
    expect(second.plan).toHaveLength(3);
    expect(second.plan.every((t) => t.incentive === 'none')).toBe(true);
  });
});
