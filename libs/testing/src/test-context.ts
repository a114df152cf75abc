import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import type { Kafka } from 'kafkajs';
import { createKafka, type KafkaSettings } from '@reclaim/kafka';
import { DEFAULT_DATABASE_URL } from './infrastructure';

const suffix = () => `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;

/** A topic/group prefix no other test file shares: tests isolate by prefix on one broker. */
export function uniquePrefix(name: string): string {
  return `t.${name.replace(/[^A-Za-z0-9-]/g, '-')}.${suffix()}.`;
}

export function testKafka(prefix: string, clientId = 'reclaim-test'): { settings: KafkaSettings; kafka: Kafka } {
  const brokers = (process.env['KAFKA_BROKERS'] ?? '').split(',').filter(Boolean);
  if (brokers.length === 0)
    throw new Error('KAFKA_BROKERS is not set: run through jest (global setup starts the broker)');
  const settings: KafkaSettings = { brokers, clientId, topicPrefix: prefix };
  return { settings, kafka: createKafka(settings) };
}

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** A database of its own for one test file, dropped at the end. */
export async function createTestDatabase(name: string): Promise<TestDatabase> {
  const base = new URL(process.env['DATABASE_URL'] ?? DEFAULT_DATABASE_URL);
  const dbName = `reclaim_t_${name.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${suffix()}`.slice(0, 63);
  const adminUrl = new URL(base);
  adminUrl.pathname = '/postgres';
  const admin = new Client({ connectionString: adminUrl.toString() });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${dbName}"`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${dbName}`;
  return {
    url: url.toString(),
    name: dbName,
    drop: async () => {
      const c = new Client({ connectionString: adminUrl.toString() });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
      await c.end();
    },
  };
}

/**
 * Waits until `probe` returns a value other than undefined/false, checking every `intervalMs`.
 * Never a fixed sleep: fails with `description` and the last value seen when time runs out.
 */
export async function pollUntil<T>(
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  opts: { timeoutMs?: number; intervalMs?: number; description?: string } = {},
): Promise<T> {
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const why = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`timed out waiting for ${opts.description ?? 'condition'}${why}`);
    }
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 100));
  }
}

export interface ConsumedRecord {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: unknown;
  headers: Record<string, string>;
}

/**
 * Collects every record on the given (physical) topics from the beginning, in a group of its
 * own. `stop()` disconnects. Used to observe what services publish.
 */
export async function collectTopics(
  kafka: Kafka,
  topics: string[],
): Promise<{ records: ConsumedRecord[]; stop(): Promise<void> }> {
  const records: ConsumedRecord[] = [];
  const consumer = kafka.consumer({ groupId: `observer-${suffix()}`, allowAutoTopicCreation: false });
  await consumer.connect();
  await consumer.subscribe({ topics, fromBeginning: true });
  await consumer.run({
    eachMessage: ({ topic, partition, message }) => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(message.headers ?? {})) {
        const first = Array.isArray(v) ? v[0] : v;
        if (first !== undefined) headers[k] = first.toString();
      }
      let value: unknown = null;
      if (message.value) {
        const text = message.value.toString('utf8');
        try {
          value = JSON.parse(text);
        } catch {
          value = text;
        }
      }
      records.push({ topic, partition, offset: message.offset, key: message.key?.toString() ?? null, value, headers });
      return Promise.resolve();
    },
  });
  return { records, stop: () => consumer.disconnect() };
}

/**
 * ISO timestamps from the wall clock that never repeat or go back: events built in one go get
 * distinct times, so "the abandonment that saw the last event" can be told from an earlier one.
 */
export function eventClock(): () => string {
  let last = 0;
  return () => {
    last = Math.max(last + 1, Date.now());
    return new Date(last).toISOString();
  };
}
