import type { INestApplication } from '@nestjs/common';
import type { z } from 'zod';
import { loadConfig } from '@reclaim/core';
import { EventPublisher, provisionTopics, topicFor, type Kafka, type KafkaSettings } from '@reclaim/kafka';
import {
  collectTopics,
  createTestDatabase,
  testKafka,
  uniquePrefix,
  type ConsumedRecord,
  type TestDatabase,
} from './test-context';

/** One service running in this process against the real broker and Postgres, with what its tests use around it. */
export interface ServiceUnderTest<C> {
  app: INestApplication;
  config: C;
  prefix: string;
  kafka: Kafka;
  settings: KafkaSettings;
  database: TestDatabase;
  /** Publishes as the service's upstream would (plain, idempotent producer). */
  publisher: EventPublisher;
  /** Records on the observed topics, in the order the observer read them. */
  observed: ConsumedRecord[];
  /** The observed records of one logical topic. */
  recordsOn(logicalTopic: string): ConsumedRecord[];
  close(): Promise<void>;
}

/**
 * Starts a service's app module the way an integration spec needs it: topics under a prefix of
 * its own, a database of its own, configuration parsed by the service's own schema (so a bad test
 * setting fails like a bad deployment), a publisher, and an observer on the topics it names.
 */
export async function startServiceUnderTest<S extends z.ZodType>(options: {
  /** Names the topic prefix and the database. */
  name: string;
  schema: S;
  /** Starts the app from its parsed configuration (e.g. `runService(AppModule.register(config), …)`). */
  start: (config: z.output<S>) => Promise<INestApplication>;
  /** Settings beyond the broker, prefix and database (LOG_LEVEL defaults to warn). */
  env?: Record<string, string>;
  /** Logical topics to observe from the beginning. */
  observe?: string[];
  /** The CloudEvents source of what the publisher sends. */
  source?: string;
}): Promise<ServiceUnderTest<z.output<S>>> {
  const prefix = uniquePrefix(options.name);
  const { kafka, settings } = testKafka(prefix);
  await provisionTopics(kafka, prefix);
  const database = await createTestDatabase(options.name);
  const config = loadConfig(options.schema, {
    KAFKA_BROKERS: process.env['KAFKA_BROKERS'],
    KAFKA_TOPIC_PREFIX: prefix,
    DATABASE_URL: database.url,
    LOG_LEVEL: process.env['TEST_LOG_LEVEL'] ?? 'warn',
    ...options.env,
  });
  const app = await options.start(config);
  const publisher = new EventPublisher(kafka, settings, { source: options.source ?? '/reclaim/test' });
  await publisher.connect();
  const observe = (options.observe ?? []).map((t) => topicFor(settings, t));
  const observer =
    observe.length > 0 ? await collectTopics(kafka, observe) : { records: [], stop: () => Promise.resolve() };
  return {
    app,
    config,
    prefix,
    kafka,
    settings,
    database,
    publisher,
    observed: observer.records,
    recordsOn: (logicalTopic) => observer.records.filter((r) => r.topic === topicFor(settings, logicalTopic)),
    close: async () => {
      await observer.stop();
      await publisher.disconnect();
      await app.close();
      await database.drop();
    },
  };
}
