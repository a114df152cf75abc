import type { Kafka } from 'kafkajs';
import { DependencyUnavailableError, InvalidInputError } from '@reclaim/core';
import { type TopicSpec } from '@reclaim/contracts';
import {
  RecordConsumer,
  fetchCommittedOffsets,
  provisionTopics,
  type IncomingRecord,
  type KafkaSettings,
} from '../src';
import { collectTopics, pollUntil, testKafka, uniquePrefix } from '@reclaim/testing';

const spec = (name: string): TopicSpec => ({
  name,
  partitions: 1,
  cleanupPolicy: 'delete',
  retentionMs: 60_000,
  key: 'test',
  description: 'test',
});

describe(RecordConsumer.name, () => {
  let kafka: Kafka;
  let settings: KafkaSettings;
  const input = 'input.v1';
  const dlq = 'input.dlq.v1';
  const keyed = 'keyed.v1';
  const outage = 'outage.v1';

  beforeAll(async () => {
    ({ kafka, settings } = testKafka(uniquePrefix('record-consumer')));
    await provisionTopics(kafka, settings.topicPrefix, [spec(input), spec(dlq), spec(keyed), spec(outage)]);
  });

  async function produce(values: string[]): Promise<void> {
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic: settings.topicPrefix + input,
      messages: values.map((value) => ({ key: value, value })),
    });
    await producer.disconnect();
  }

  async function committedOffset(groupId: string, topicName = input): Promise<string | undefined> {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const [topic] = await admin.fetchOffsets({ groupId, topics: [settings.topicPrefix + topicName] });
      return topic?.partitions[0]?.offset;
    } finally {
      await admin.disconnect();
    }
  }

  it('retries retriable errors, dead-letters permanent and persistently unclassified ones, and commits past all of them', async () => {
    const handled: string[] = [];
    const attempts = new Map<string, number>();
    const handler = async (record: IncomingRecord) => {
      const value = record.value?.toString() ?? '';
      const n = (attempts.get(value) ?? 0) + 1;
      attempts.set(value, n);
      if (value === 'invalid') throw new InvalidInputError('value is not a touch');
      if (value === 'flaky' && n < 3) throw new DependencyUnavailableError('database restarting');
      if (value === 'bug') throw new TypeError('cannot read properties of undefined');
      handled.push(value);
    };
    const sut = new RecordConsumer(kafka, settings, {
      groupId: 'g-classify',
      topics: [input],
      deadLetterTopic: dlq,
      handler,
      maxUnclassifiedAttempts: 3,
    });
    const dead = await collectTopics(kafka, [settings.topicPrefix + dlq]);
    await produce(['ok-1', 'invalid', 'flaky', 'bug', 'ok-2']);
    await sut.start();
    try {
      await pollUntil(() => handled.includes('ok-2'), { timeoutMs: 30_000, description: 'ok-2 handled' });
      expect(handled).toEqual(['ok-1', 'flaky', 'ok-2']);
      expect(attempts.get('flaky')).toBe(3);
      expect(attempts.get('invalid')).toBe(1);
      expect(attempts.get('bug')).toBe(3);

      await pollUntil(() => dead.records.length >= 2, { description: 'two dead letters' });
      const byKey = new Map(dead.records.map((r) => [r.key, r]));
      expect(byKey.get('invalid')?.headers['x-reclaim-dlq-reason']).toBe('value is not a touch');
      expect(byKey.get('invalid')?.headers['x-reclaim-dlq-error-code']).toBe('INVALID_INPUT');
      expect(byKey.get('bug')?.headers['x-reclaim-dlq-kind']).toBe('unclassified error after 3 attempts');
      expect(byKey.get('bug')?.headers['x-reclaim-dlq-source']).toMatch(/input\.v1\/0@3$/);

      await pollUntil(async () => (await committedOffset(sut.groupId)) === '5', { description: 'offset 5 committed' });
    } finally {
      await sut.stop();
      await dead.stop();
    }
  });

  it('does not commit a record whose handler did not finish, so a restarted consumer gets it again', async () => {
    const seen: string[] = [];
    let release: (() => void) | undefined;
    const blocked = new Promise<void>((resolve) => (release = resolve));
    const first = new RecordConsumer(kafka, settings, {
      groupId: 'g-redeliver',
      topics: [input],
      deadLetterTopic: dlq,
      handler: async (record) => {
        const value = record.value?.toString() ?? '';
        seen.push(value);
        if (value === 'ok-1') await blocked; // stuck mid-effect when the process goes away
      },
    });
    await first.start();
    await pollUntil(() => seen.includes('ok-1'), { description: 'first consumer got ok-1' });
    const stopping = first.stop();
    release?.();
    await stopping;
    expect(await committedOffset(first.groupId)).not.toBe('1');

    const again: string[] = [];
    const second = new RecordConsumer(kafka, settings, {
      groupId: 'g-redeliver',
      topics: [input],
      deadLetterTopic: dlq,
      handler: async (record) => void again.push(record.value?.toString() ?? ''),
      maxUnclassifiedAttempts: 1,
    });
    await second.start();
    try {
      await pollUntil(() => again.length >= 5, { description: 'redelivery' });
      expect(again[0]).toBe('ok-1');
    } finally {
      await second.stop();
    }
  });

  it('with keys side by side: each key in order, a stuck key holds only itself and the batch commit', async () => {
    const producer = kafka.producer();
    await producer.connect();
    // One send: one record batch, so the consumer fetches all of it at once.
    await producer.send({
      topic: settings.topicPrefix + keyed,
      messages: ['a', 'b', 'c', 'd'].flatMap((k) => [1, 2, 3].map((n) => ({ key: k, value: `${k}${n}` }))),
    });
    await producer.disconnect();
    const handled: string[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    let release: (() => void) | undefined;
    const b1Blocked = new Promise<void>((resolve) => (release = resolve));
    const dead = await collectTopics(kafka, [settings.topicPrefix + dlq]);
    const sut = new RecordConsumer(kafka, settings, {
      groupId: 'g-keyed',
      topics: [keyed],
      deadLetterTopic: dlq,
      keysConsumedConcurrently: 3,
      handler: async (record) => {
        const value = record.value?.toString() ?? '';
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        try {
          await new Promise((r) => setTimeout(r, 20));
          if (value === 'b1') await b1Blocked;
          if (value === 'd2') throw new InvalidInputError('d2 is unreadable');
          handled.push(value);
        } finally {
          inFlight--;
        }
      },
    });
    await sut.start();
    try {
      // The other keys go on while b1 is stuck; b's later records wait behind it.
      await pollUntil(() => ['a3', 'c3', 'd3'].every((v) => handled.includes(v)), {
        description: 'a, c and d handled past the stuck b1',
      });
      expect(handled.filter((v) => v.startsWith('b'))).toEqual([]);
      expect(maxInFlight).toBeGreaterThan(1);
      expect(maxInFlight).toBeLessThanOrEqual(3);
      expect(await committedOffset(sut.groupId, keyed)).not.toBe('12');

      release?.();
      await pollUntil(async () => (await committedOffset(sut.groupId, keyed)) === '12', {
        description: 'the batch committed once b is done',
      });
      for (const k of ['a', 'b', 'c'])
        expect(handled.filter((v) => v.startsWith(k))).toEqual([`${k}1`, `${k}2`, `${k}3`]);
      expect(handled.filter((v) => v.startsWith('d'))).toEqual(['d1', 'd3']);
      await pollUntil(() => dead.records.find((r) => r.key === 'd'), { description: 'd2 dead-lettered' });
    } finally {
      await sut.stop();
      await dead.stop();
    }
  });
  it('with keys side by side: a member joining mid-run gets its partitions before the fetched batches are worked off', async () => {
    const spread = 'spread.v1';
    const perPartition = 20;
    await provisionTopics(kafka, settings.topicPrefix, [{ ...spec(spread), partitions: 6 }]);
    const producer = kafka.producer();
    await producer.connect();
    // One send: the first member fetches every partition's records at once.
    await producer.send({
      topic: settings.topicPrefix + spread,
      messages: Array.from({ length: 6 * perPartition }, (_, i) => ({
        partition: i % 6,
        key: `k${i}`,
        value: `v${i}`,
      })),
    });
    await producer.disconnect();
    const handled: Array<{ by: string; value: string }> = [];
    // Fewer partitions at a time than it holds, as a lone instance of a service holding all 24.
    const member = (by: string) =>
      new RecordConsumer(kafka, settings, {
        groupId: 'g-join',
        topics: [spread],
        deadLetterTopic: dlq,
        partitionsConsumedConcurrently: 1,
        keysConsumedConcurrently: 2,
        handler: async (record) => {
          await new Promise((r) => setTimeout(r, 250));
          handled.push({ by, value: record.value?.toString() ?? '' });
        },
      });
    const first = member('first');
    const second = member('second');
    await first.start();
    try {
      await pollUntil(() => handled.length >= 2, { description: 'the first member at work' });
      // Resolves once the second member has joined, which needs the first to rejoin: before, kafkajs
      // worked off every fetched batch first (120 × 250 ms / 2 ≈ 15 s); now the records in hand.
      await second.start();
      expect(handled.length).toBeLessThan(6 * perPartition);
      await pollUntil(
        async () => {
          const committed = await fetchCommittedOffsets(kafka, first.groupId, settings.topicPrefix + spread);
          return committed.size === 6 && [...committed.values()].every((o) => o === BigInt(perPartition));
        },
        { timeoutMs: 60_000, description: 'every partition committed to its end' },
      );
      expect(new Set(handled.map((h) => h.value)).size).toBe(6 * perPartition);
      expect(handled.filter((h) => h.by === 'second').length).toBeGreaterThan(0);
    } finally {
      await Promise.all([first.stop(), second.stop()]);
    }
  });

  it('waits out an unavailable dependency not-ready, then resumes by itself with the failed record first', async () => {
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic: settings.topicPrefix + outage,
      messages: ['o1', 'o2', 'o3', 'o4'].map((value) => ({ key: value, value })),
    });
    await producer.disconnect();
    let databaseUp = true;
    const attempts: string[] = [];
    const handled: string[] = [];
    const dead = await collectTopics(kafka, [settings.topicPrefix + dlq]);
    const sut = new RecordConsumer(kafka, settings, {
      groupId: 'g-outage',
      topics: [outage],
      deadLetterTopic: dlq,
      // A low limit: an outage must not count as "unclassified" attempts.
      maxUnclassifiedAttempts: 2,
      handler: (record) => {
        const value = record.value?.toString() ?? '';
        attempts.push(value);
        if (value === 'o2' && attempts.length === 2) databaseUp = false; // the outage starts under o2
        if (!databaseUp) return Promise.reject(new DependencyUnavailableError('connect ECONNREFUSED'));
        handled.push(value);
        return Promise.resolve();
      },
    });
    expect(sut.health()).toMatchObject({ up: false, ready: false });
    await sut.start();
    try {
      const waiting = await pollUntil(() => (attempts.length >= 4 ? sut.health() : undefined), {
        description: 'several attempts at o2',
      });
      expect(waiting).toMatchObject({ up: true, ready: false });
      expect(waiting.detail).toMatch(/outage\.v1\/0@1 .*ECONNREFUSED/);
      expect(new Set(attempts.slice(1))).toEqual(new Set(['o2'])); // nothing behind o2 was read
      expect(await committedOffset(sut.groupId, outage)).not.toBe('2');

      databaseUp = true;
      await pollUntil(async () => (await committedOffset(sut.groupId, outage)) === '4', {
        description: 'every record handled and committed',
      });
      expect(handled).toEqual(['o1', 'o2', 'o3', 'o4']);
      expect(sut.health()).toMatchObject({ up: true, ready: true });
      expect(dead.records.filter((r) => r.headers['x-reclaim-dlq-source']?.includes(outage))).toEqual([]);
    } finally {
      await sut.stop();
      await dead.stop();
    }
  });
});
