import type { INestApplication } from '@nestjs/common';
import { Contracts, Topics, type TouchDue } from '@reclaim/contracts';
import { loadConfig, newId } from '@reclaim/core';
import { EventPublisher, provisionTopics, topicFor, type Kafka, type KafkaSettings } from '@reclaim/kafka';
import { runService } from '@reclaim/platform';
import {
  collectTopics,
  createTestDatabase,
  freePort,
  testKafka,
  uniquePrefix,
  type ConsumedRecord,
  type TestDatabase,
} from '@reclaim/testing';
import { Client } from 'pg';
import { AppModule } from '../src/app.module';
import { EmailConfig } from '../src/config';

export const TEST_SECRET = 'test-secret-0123456789';

/** The email service in this process against the real broker and Postgres, plus what tests need around it. */
export interface EmailTestApp {
  app: INestApplication;
  port: number;
  kafka: Kafka;
  settings: KafkaSettings;
  publisher: EventPublisher;
  deliveries: ConsumedRecord[];
  suppressions: ConsumedRecord[];
  database: TestDatabase;
  sql(text: string, params?: unknown[]): Promise<Array<Record<string, unknown>>>;
  close(): Promise<void>;
}

export async function startEmailApp(
  name: string,
  smtpUrl: string,
  env: Record<string, string> = {},
): Promise<EmailTestApp> {
  const prefix = uniquePrefix(name);
  const { kafka, settings } = testKafka(prefix);
  await provisionTopics(kafka, prefix);
  const database = await createTestDatabase(name);
  const port = await freePort();
  const config = loadConfig(EmailConfig, {
    KAFKA_BROKERS: process.env['KAFKA_BROKERS'],
    KAFKA_TOPIC_PREFIX: prefix,
    DATABASE_URL: database.url,
    LOG_LEVEL: process.env['TEST_LOG_LEVEL'] ?? 'warn',
    EMAIL_PORT: String(port),
    SMTP_URL: smtpUrl,
    SMTP_TIMEOUT_MS: '3000',
    EMAIL_PUBLIC_URL: `http://127.0.0.1:${port}`,
    RESUME_LINK_SECRET: TEST_SECRET,
    ...env,
  });
  const app = await runService(AppModule.register(config), { port, host: '127.0.0.1' });
  const publisher = new EventPublisher(kafka, settings, { source: '/reclaim/test', transactionalProducers: 1 });
  await publisher.connect();
  const deliveries = await collectTopics(kafka, [topicFor(settings, Topics.deliveries.name)]);
  const suppressions = await collectTopics(kafka, [topicFor(settings, Topics.suppressions.name)]);
  const pg = new Client({ connectionString: database.url });
  await pg.connect();
  return {
    app,
    port,
    kafka,
    settings,
    publisher,
    deliveries: deliveries.records,
    suppressions: suppressions.records,
    database,
    sql: async (text, params) => (await pg.query(text, params)).rows as Array<Record<string, unknown>>,
    close: async () => {
      await deliveries.stop();
      await suppressions.stop();
      await publisher.disconnect();
      await app.close();
      await pg.end();
      await database.drop();
    },
  };
}

export function emailTouch(over: Partial<TouchDue> & { email?: string } = {}): TouchDue {
  const { email, ...rest } = over;
  const id = newId().slice(0, 8);
  return {
    touchId: `touch-${id}`,
    abandonmentId: `ab-${id}`,
    storeId: 'store-1',
    cartId: `cart-${id}`,
    channel: 'email',
    sequence: 1,
    template: 'reminder',
    incentive: 'none',
    segment: 'first_time',
    customer: { email: email ?? `shopper-${id}@example.com`, firstName: 'Ann', id: `cust-${id}` },
    cart: {
      currency: 'EUR',
      value: 9000,
      items: [{ sku: 'LS-1', title: 'Linen Shirt', quantity: 2, unitPrice: 4500 }],
    },
    abandonedAt: new Date(Date.now() - 3_600_000).toISOString(),
    dueAt: new Date().toISOString(),
    ...rest,
  };
}

export async function publishTouch(t: EmailTestApp, touch: TouchDue): Promise<void> {
  await t.publisher.publish(Contracts.touchEmail, [touch]);
}

/** Delivery payloads published for a touch. */
export function deliveriesOf(
  t: EmailTestApp,
  touchId: string,
): Array<{ status: string; reason?: string; deliveryId: string }> {
  return t.deliveries
    .map((r) => r.value as { touchId?: string; status: string; reason?: string; deliveryId: string })
    .filter((d) => d.touchId === touchId);
}
