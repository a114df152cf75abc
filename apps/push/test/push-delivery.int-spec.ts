import type { INestApplication } from '@nestjs/common';
import { Contracts, SuppressionScopes, Topics, type TouchDue } from '@reclaim/contracts';
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
} from '@reclaim/testing';
import { AppModule } from '../src/app.module';
import { PushConfig } from '../src/config';
import { PushDeliveryService } from '../src/delivery/push-delivery.service';

describe(PushDeliveryService.name, () => {
  const prefix = uniquePrefix('push');
  const { kafka, settings } = testKafka(prefix);
  let database: TestDatabase;
  let app: INestApplication;
  let port: number;
  let publisher: EventPublisher;
  let observer: Awaited<ReturnType<typeof collectTopics>>;

  const touch = (): TouchDue => {
    const id = newId().slice(0, 8);
    return {
      touchId: `touch-${id}`,
      abandonmentId: `ab-${id}`,
      storeId: 'store-1',
      cartId: `cart-${id}`,
      channel: 'push',
      sequence: 1,
      template: 'push-resume-card',
      incentive: 'none',
      segment: 'first_time',
      customer: {},
      cart: { currency: 'USD', value: 1000, items: [{ sku: 'a', title: 'Mug', quantity: 1, unitPrice: 1000 }] },
      dueAt: new Date().toISOString(),
    };
  };
  const deliveriesOf = (touchId: string) =>
    observer.records
      .map((r) => r.value as { touchId: string; status: string; reason?: string; deliveryId: string })
      .filter((d) => d.touchId === touchId);

  beforeAll(async () => {
    await provisionTopics(kafka, prefix);
    database = await createTestDatabase('push');
    port = await freePort();
    const config = loadConfig(PushConfig, {
      KAFKA_BROKERS: process.env['KAFKA_BROKERS'],
      KAFKA_TOPIC_PREFIX: prefix,
      DATABASE_URL: database.url,
      LOG_LEVEL: 'warn',
      PUSH_PORT: String(port),
    });
    app = await runService(AppModule.register(config), { port, host: '127.0.0.1' });
    publisher = new EventPublisher(kafka, settings, { source: '/reclaim/test' });
    await publisher.connect();
    observer = await collectTopics(kafka, [topicFor(settings, Topics.deliveries.name)]);
  });

  afterAll(async () => {
    await observer?.stop();
    await publisher?.disconnect();
    await app?.close();
    await database?.drop();
  });

  it('reports healthy, with its suppression view running', async () => {
    expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${port}/health/suppression-view`)).status).toBe(200);
  });

  it('answers a touch with exactly one skipped delivery, even when it is redelivered', async () => {
    const t = touch();
    await publisher.publish(Contracts.touchPush, [t]);
    await publisher.publish(Contracts.touchPush, [t]);
    await pollUntil(() => deliveriesOf(t.touchId).length >= 2, { description: 'both copies answered' });
    const deliveries = deliveriesOf(t.touchId);
    expect(new Set(deliveries.map((d) => d.deliveryId)).size).toBe(1);
    expect(deliveries[0]).toMatchObject({ status: 'skipped', reason: 'channel_not_configured' });
  });

  it('says when the cart was ordered', async () => {
    const t = touch();
    await publisher.publish(Contracts.suppression, [
      {
        scope: SuppressionScopes.cart(t.storeId, t.cartId),
        storeId: t.storeId,
        cartId: t.cartId,
        reason: 'order_completed',
        sourceEventId: `order-${t.cartId}`,
        suppressedAt: new Date().toISOString(),
      },
    ]);
    await publisher.publish(Contracts.touchPush, [t]);
    const [d] = await pollUntil(() => deliveriesOf(t.touchId).length > 0 && deliveriesOf(t.touchId), {
      description: 'answer',
    });
    expect(d).toMatchObject({ status: 'skipped', reason: 'suppressed:order_completed' });
  });
});
