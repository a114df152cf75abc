import 'reflect-metadata';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import {
  Abandonment,
  Contracts,
  deadLetterTopicSpec,
  Topics,
  type Delivery,
  type DeliveryStatus,
  type PlannedTouch,
  type StorefrontEvent,
  type StorefrontEventRecord,
} from '@reclaim/contracts';
import { derivedId } from '@reclaim/core';
import type { EventPublisher } from '@reclaim/kafka';
import { pollUntil, type ConsumedRecord, type ServiceUnderTest } from '@reclaim/testing';
import { DataSource } from 'typeorm';
import type { SegmentationConfig } from '../src/config';
import { startSegmentation } from './segmentation-test-app';

interface LedgerRow {
  subject: string;
  touch_sequence: number;
  status: string;
  delivery_status: string | null;
  delivery_reason: string | null;
  settled_at: Date | null;
}

/**
 * The incentive cooldown counts incentives the shopper actually received (or may have), on a real
 * broker and Postgres. The test plays the scheduler and the email service: it publishes the touch
 * outcomes on reclaim.deliveries.v1 itself. Incentives are offered to returning buyers too here
 * (firstTimeBuyersOnly false), so a shopper who ordered can be offered one on a later cart.
 * RECOVERY_TIME_SCALE=0.001: checkout idle 15 min = 0.9 s.
 */
describe('incentive ledger settled by touch outcomes (Kafka + Postgres)', () => {
  const storeId = `store-${Date.now().toString(36)}`;
  const configDir = mkdtempSync(join(tmpdir(), 'reclaim-incentive-ledger-'));
  let service: ServiceUnderTest<SegmentationConfig>;
  let app: INestApplication;
  let publisher: EventPublisher;
  let seq = 0;

  beforeAll(async () => {
    const configFile = join(configDir, 'recovery.json');
    writeFileSync(
      configFile,
      JSON.stringify({ defaults: { incentives: { fromTouch: 3, firstTimeBuyersOnly: false, cooldown: '30d' } } }),
    );
    service = await startSegmentation('incentive-ledger', {
      source: '/test/scheduler',
      env: { RECOVERY_CONFIG_FILE: configFile },
      observe: [deadLetterTopicSpec('segmentation').name],
    });
    ({ app, publisher } = service);
    // One cart abandoned end to end shows the storefront consumer has joined and caught up, and a
    // dead-lettered delivery shows the same of the deliveries consumer.
    await checkoutAbandon('warm-up', { id: 'warm-up' });
    await deliveriesProcessed('warm-up');
  }, 60_000);

  afterAll(async () => {
    await service?.close();
    rmSync(configDir, { recursive: true, force: true });
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

  async function checkoutAbandon(cartId: string, customer: StorefrontEvent['customer']): Promise<Abandonment> {
    await publisher.publish(Contracts.storefrontEvent, [
      storefront(cartId, 'cart.created', { customer, cart: { currency: 'EUR', items } }),
      storefront(cartId, 'checkout.started', { checkout: { step: 'contact' } }),
    ]);
    return pollUntil(
      () =>
        service
          .recordsOn(Topics.abandonments.name)
          .filter((r) => r.headers['ce_type'] === Contracts.abandonment.ceType)
          .map((r) => Abandonment.parse(r.value))
          .find((a) => a.storeId === storeId && a.cartId === cartId),
      { timeoutMs: 20_000, description: `abandonment of ${cartId}` },
    ).then(async (abandonment) => {
      // The sweep publishes the abandonment inside the transaction that records its incentives and
      // holds the cart's row until it commits: waiting for that lock means the ledger is readable.
      await app
        .get(DataSource)
        .query('SELECT 1 FROM carts WHERE store_id = $1 AND cart_id = $2 FOR SHARE', [storeId, cartId]);
      return abandonment;
    });
  }

  function incentiveTouch(a: Abandonment): PlannedTouch {
    const touch = a.plan.find((t) => t.incentive !== 'none');
    if (!touch) throw new Error(`abandonment of ${a.cartId} plans no incentive`);
    return touch;
  }

  /** A touch outcome as the scheduler or a channel reports it (the id derives from touch and status). */
  function outcome(
    a: Abandonment,
    touch: PlannedTouch,
    status: DeliveryStatus,
    reason?: string,
    at = new Date(),
  ): Delivery {
    return {
      deliveryId: derivedId('test', touch.touchId, status),
      touchId: touch.touchId,
      abandonmentId: a.abandonmentId,
      storeId: a.storeId,
      cartId: a.cartId,
      channel: touch.channel,
      sequence: touch.sequence,
      status,
      ...(reason ? { reason } : {}),
      at: at.toISOString(),
    };
  }

  const report = (...deliveries: Delivery[]) => publisher.publish(Contracts.delivery, deliveries);

  /**
   * Waits until segmentation has handled every delivery published so far for this cart: a record
   * it cannot parse, sent with the cart's key (so on the same partition, behind them), reaches
   * its dead-letter topic only after everything before it was handled.
   */
  async function deliveriesProcessed(cartId: string): Promise<ConsumedRecord> {
    const marker = `barrier-${++seq}`;
    const valid = publisher.message(Contracts.delivery, {
      deliveryId: marker,
      touchId: marker,
      storeId,
      cartId,
      channel: 'email',
      status: 'sent',
      at: new Date().toISOString(),
    });
    await publisher.sendMessages([{ ...valid, value: JSON.stringify({ deliveryId: marker, storeId, cartId }) }]);
    return pollUntil(
      () => service.recordsOn(deadLetterTopicSpec('segmentation').name).find((r) => r.headers['ce_id'] === marker),
      {
        timeoutMs: 20_000,
        description: `dead-lettered barrier ${marker} of ${cartId}`,
      },
    );
  }

  const ledgerOf = (touchId: string): Promise<LedgerRow[]> =>
    app.get(DataSource).query(
      `SELECT subject, touch_sequence, status, delivery_status, delivery_reason, settled_at FROM issued_incentives
          WHERE store_id = $1 AND touch_id = $2 ORDER BY subject`,
      [storeId, touchId],
    );

  const statusesOf = async (touchId: string) => (await ledgerOf(touchId)).map((r) => r.status);
  /** Whether the touch has ledger rows (one per shopper identity), all in this status. */
  const allIn = async (touchId: string, status: string) => {
    const statuses = await statusesOf(touchId);
    return statuses.length > 0 && statuses.every((s) => s === status);
  };

  it('dead-letters a delivery it cannot read, with the reason', async () => {
    const sut = await deliveriesProcessed('unreadable');
    expect(sut.headers['x-reclaim-dlq-reason']).toMatch(/does not match reclaim\.deliveries\.v1/);
    expect(sut.headers['x-reclaim-dlq-kind']).toBe('permanent');
  });

  it('releases an incentive whose touch was cancelled by the order: the next cart gets one', async () => {
    const shopper = { id: 'cust-ordered', email: 'Ordered@Example.com', ordersCount: 0 };
    const first = await checkoutAbandon('ordered-1', shopper);
    const touch = incentiveTouch(first);
    expect(await ledgerOf(touch.touchId)).toEqual([
      expect.objectContaining({ subject: 'customer:cust-ordered', touch_sequence: touch.sequence, status: 'planned' }),
      expect.objectContaining({ subject: 'email:ordered@example.com', status: 'planned' }),
    ]);

    // Email 1 went out, then the shopper ordered: the scheduler cancels the rest.
    const [email1, email2] = first.plan;
    if (!email1 || !email2) throw new Error('the checkout plan has three emails');
    await report(
      outcome(first, email1, 'sent'),
      outcome(first, email2, 'cancelled', 'order_completed'),
      outcome(first, touch, 'cancelled', 'order_completed'),
    );
    await pollUntil(() => allIn(touch.touchId, 'released'), {
      description: 'incentive released',
    });
    expect(await ledgerOf(touch.touchId)).toEqual([
      expect.objectContaining({ delivery_status: 'cancelled', delivery_reason: 'order_completed' }),
      expect.objectContaining({ delivery_status: 'cancelled', delivery_reason: 'order_completed' }),
    ]);

    const next = await checkoutAbandon('ordered-2', { ...shopper, ordersCount: 1 });
    expect(incentiveTouch(next).incentive).toMatch(/^(percent_10|free_shipping)$/);
  });

  it('keeps counting a sent incentive, even when a late cancellation arrives after it', async () => {
    const shopper = { id: 'cust-sent', email: 'sent@example.com', ordersCount: 0 };
    const first = await checkoutAbandon('sent-1', shopper);
    const touch = incentiveTouch(first);
    await report(outcome(first, touch, 'sent'));
    await pollUntil(() => allIn(touch.touchId, 'delivered'), {
      description: 'incentive delivered',
    });

    await report(outcome(first, touch, 'cancelled', 'order_completed'));
    await deliveriesProcessed(first.cartId);
    expect(await ledgerOf(touch.touchId)).toEqual([
      expect.objectContaining({ status: 'delivered', delivery_status: 'sent' }),
      expect.objectContaining({ status: 'delivered', delivery_status: 'sent' }),
    ]);

    const next = await checkoutAbandon('sent-2', shopper);
    expect(next.plan.every((t) => t.incentive === 'none')).toBe(true);
  });

  it('keeps counting a pending incentive; outcomes of the other touches do not settle it', async () => {
    const shopper = { id: 'cust-pending', email: 'pending@example.com', ordersCount: 0 };
    const first = await checkoutAbandon('pending-1', shopper);
    const touch = incentiveTouch(first);
    const others = first.plan.filter((t) => t.touchId !== touch.touchId);
    await report(
      ...others.map((t) => outcome(first, t, 'skipped', 'quiet_hours')),
      ...others.map((t) => outcome(first, t, 'sent')),
    );
    await deliveriesProcessed(first.cartId);
    expect(await statusesOf(touch.touchId)).toEqual(['planned', 'planned']);

    // Another cart, by the same address but not logged in, while email 3 of the first is still to
    // come: the scheduler runs both sequences (different shopper keys), so no second code.
    const next = await checkoutAbandon('pending-2', { email: shopper.email, ordersCount: 0 });
    expect(next.plan.every((t) => t.incentive === 'none')).toBe(true);
  });

  it('gives the code to the newer cart of the same shopper: the pending one rides on a sequence it supersedes', async () => {
    const shopper = { id: 'cust-two-carts', email: 'two@example.com', ordersCount: 0 };
    const first = await checkoutAbandon('two-carts-1', shopper);
    const firstTouch = incentiveTouch(first);
    // The shopper leaves a second cart before email 3 of the first: the scheduler will cancel the
    // first sequence (superseded_by_newer_cart), so its pending code must not deny the live one.
    const second = await checkoutAbandon('two-carts-2', shopper);
    const secondTouch = incentiveTouch(second);
    expect(secondTouch.incentive).toMatch(/^(percent_10|free_shipping)$/);
    expect(await statusesOf(firstTouch.touchId)).toEqual(['planned', 'planned']);

    // Once the first is released and the second sent, a third cart gets none (the cooldown runs).
    await report(
      outcome(first, firstTouch, 'cancelled', 'superseded_by_newer_cart'),
      outcome(second, secondTouch, 'sent'),
    );
    await pollUntil(() => allIn(secondTouch.touchId, 'delivered'), {
      description: 'the second code delivered',
    });
    await deliveriesProcessed(first.cartId);
    const third = await checkoutAbandon('two-carts-3', shopper);
    expect(third.plan.every((t) => t.incentive === 'none')).toBe(true);
  });

  it('is unmoved by redelivered outcomes, even re-reported later under the same delivery id', async () => {
    const shopper = { id: 'cust-again', email: 'again@example.com', ordersCount: 0 };
    const first = await checkoutAbandon('again-1', shopper);
    const touch = incentiveTouch(first);
    const cancelled = outcome(first, touch, 'cancelled', 'superseded_by_newer_abandonment');
    await report(cancelled, cancelled);
    await pollUntil(() => allIn(touch.touchId, 'released'), {
      description: 'incentive released',
    });
    const settled = await ledgerOf(touch.touchId);

    const second = await checkoutAbandon('again-2', shopper);
    const secondTouch = incentiveTouch(second);
    await report(outcome(second, secondTouch, 'sent'));
    await pollUntil(() => allIn(secondTouch.touchId, 'delivered'), {
      description: 'second incentive delivered',
    });
    const delivered = await ledgerOf(secondTouch.touchId);

    const later = new Date(Date.now() + 60_000);
    await report(
      cancelled,
      { ...cancelled, at: later.toISOString() },
      outcome(second, secondTouch, 'sent', undefined, later),
      outcome(second, secondTouch, 'sent'),
    );
    await deliveriesProcessed(first.cartId);
    await deliveriesProcessed(second.cartId);
    expect(await ledgerOf(touch.touchId)).toEqual(settled);
    expect(await ledgerOf(secondTouch.touchId)).toEqual(delivered);

    const third = await checkoutAbandon('again-3', shopper);
    expect(third.plan.every((t) => t.incentive === 'none')).toBe(true);
  });
});
