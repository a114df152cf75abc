import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { InvalidInputError } from '@reclaim/core';
import { ConsumerGroups, Topics, deadLetterTopicSpec } from '@reclaim/contracts';
import { RecordConsumer, provisionTopics, topicFor, type IncomingRecord, type KafkaSettings } from '@reclaim/kafka';
import { REPO_ROOT, collectTopics, pollUntil, testKafka, uniquePrefix } from '@reclaim/testing';

/**
 * `npm run dlq -- replay` (tools/dlq, built into dist by the test setup) on the real broker: a record a
 * consumer refused is dead-lettered, the consumer is fixed, the tool republishes the record to its
 * source partition with its headers, the fixed consumer handles it, and a second run republishes nothing.
 */
const run = promisify(execFile);
jest.setTimeout(120_000);

describe('dead-letter replay (npm run dlq -- replay)', () => {
  const { kafka, settings } = testKafka(uniquePrefix('dlq-replay'));
  const source = topicFor(settings, Topics.abandonments.name);
  const deadLetters = topicFor(settings, deadLetterTopicSpec('scheduler').name);
  let dead: Awaited<ReturnType<typeof collectTopics>>;

  beforeAll(async () => {
    await provisionTopics(kafka, settings.topicPrefix);
    dead = await collectTopics(kafka, [deadLetters]);
  });
  afterAll(async () => {
    await dead.stop();
  });

  const dlq = async (...args: string[]): Promise<string> => {
    const { stdout } = await run(process.execPath, [resolve(REPO_ROOT, 'dist/tools/dlq/dlq.js'), ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, KAFKA_BROKERS: settings.brokers.join(','), KAFKA_TOPIC_PREFIX: settings.topicPrefix },
    });
    return stdout;
  };

  const endOf = async (topic: string): Promise<string> => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const offsets = await admin.fetchTopicOffsets(topic);
      return offsets.map((p) => `${p.partition}:${p.high}`).join(',');
    } finally {
      await admin.disconnect();
    }
  };

  const committed = async (groupId: string): Promise<string> => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const [offsets] = await admin.fetchOffsets({ groupId, topics: [source] });
      const byPartition = new Map(offsets?.partitions.map((p) => [p.partition, p.offset]));
      const ends = await admin.fetchTopicOffsets(source);
      // Partitions without records have nothing committed (-1): count them as at their end.
      return ends
        .map((p) => `${p.partition}:${p.high === '0' ? '0' : (byPartition.get(p.partition) ?? '-1')}`)
        .join(',');
    } finally {
      await admin.disconnect();
    }
  };

  const scheduler = (s: KafkaSettings, handler: (record: IncomingRecord) => Promise<void>) =>
    new RecordConsumer(kafka, s, {
      groupId: ConsumerGroups.scheduler,
      topics: [Topics.abandonments.name],
      deadLetterTopic: deadLetterTopicSpec('scheduler').name,
      handler,
    });

  it('republishes a dead letter once to its source, where the fixed consumer handles it', async () => {
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic: source,
      messages: ['a', 'b', 'c'].map((v) => ({
        key: `cart-${v}`,
        value: JSON.stringify({ v }),
        headers: { ce_id: `id-${v}`, ce_type: 'test' },
      })),
    });

    // v1 has a bug that refuses "b" for good: dead-lettered, the rest handled and committed.
    const v1Handled: string[] = [];
    const v1 = scheduler(settings, (record) => {
      const value = record.value?.toString() ?? '';
      if (value.includes('"b"')) return Promise.reject(new InvalidInputError('v1 cannot read b'));
      v1Handled.push(value);
      return Promise.resolve();
    });
    await v1.start();
    await pollUntil(() => v1Handled.length === 2 && dead.records.some((r) => r.key === 'cart-b'), {
      description: 'a and c handled, b dead-lettered',
    });
    const sourceEnd = await endOf(source);
    await pollUntil(async () => (await committed(v1.groupId)) === sourceEnd, { description: 'v1 committed all three' });
    await v1.stop();

    // A dry run says what it would do and publishes nothing.
    const dry = await dlq('replay', 'scheduler', '--dry-run');
    expect(dry).toMatch(/would replay .*dlq\.v1\/0@0 → .*reclaim\.abandonments\.v1\/\d+ .*v1 cannot read b/);
    expect(dry).toMatch(/1 to replay, 0 passed over/);
    expect(await endOf(source)).toBe(sourceEnd);

    // The fixed consumer (same group) gets only what is replayed.
    const v2Handled: IncomingRecord[] = [];
    const v2 = scheduler(settings, (record) => {
      v2Handled.push(record);
      return Promise.resolve();
    });
    await v2.start();
    try {
      const first = await dlq('replay', 'scheduler');
      expect(first).toMatch(/replayed .*dlq\.v1\/0@0 → /);
      expect(first).toMatch(/: 1 replayed, 0 passed over \(before --since\), 0 unreplayable/);
      const [replayed] = await pollUntil(() => (v2Handled.length > 0 ? v2Handled : undefined), {
        description: 'the fixed consumer handles the replayed record',
      });
      const original = dead.records.find((r) => r.key === 'cart-b');
      expect(replayed?.key).toBe('cart-b');
      expect(replayed?.value?.toString()).toBe(JSON.stringify({ v: 'b' }));
      expect(`${replayed?.partition}`).toBe(/\/(\d+)@/.exec(original?.headers['x-reclaim-dlq-source'] ?? '')?.[1]);
      const headers = Object.fromEntries(
        Object.entries(replayed?.headers ?? {}).map(([k, v]) => [k, String(Array.isArray(v) ? v[0] : v)]),
      );
      expect(headers).toEqual({
        ce_id: 'id-b',
        ce_type: 'test',
        'x-reclaim-replayed-from': `${deadLetters}/0@0`,
      });

      // A second run: nothing new to replay, nothing published.
      const endAfterReplay = await endOf(source);
      const second = await dlq('replay', 'scheduler');
      expect(second).toMatch(/: 0 replayed, 0 passed over \(before --since\), 0 unreplayable/);
      expect(await endOf(source)).toBe(endAfterReplay);

      // --since passes over older dead letters; one without a source cannot be replayed.
      const twoHoursAgo = new Date(Date.now() - 2 * 3_600_000).toISOString();
      const dlqHeaders = (at: string, from?: string) => ({
        ce_id: `id-${at}`,
        'x-reclaim-dlq-at': at,
        'x-reclaim-dlq-reason': 'test',
        ...(from ? { 'x-reclaim-dlq-source': from } : {}),
      });
      await producer.send({
        topic: deadLetters,
        messages: [
          { key: 'cart-old', value: 'old', headers: dlqHeaders(twoHoursAgo, `${source}/0@0`) },
          { key: 'cart-new', value: 'new', headers: dlqHeaders(new Date().toISOString(), `${source}/0@0`) },
          { key: 'cart-lost', value: 'lost', headers: dlqHeaders(new Date().toISOString()) },
        ],
      });
      const third = await dlq('replay', 'scheduler', '--since', '1h');
      expect(third).toMatch(/passed over .*dlq\.v1\/0@1 /);
      expect(third).toMatch(/cannot replay .*dlq\.v1\/0@3: no readable x-reclaim-dlq-source/);
      expect(third).toMatch(/: 1 replayed, 1 passed over \(before --since\), 1 unreplayable/);
      await pollUntil(() => v2Handled.some((r) => r.key === 'cart-new'), { description: 'the new dead letter' });
      expect(await dlq('replay', 'scheduler')).toMatch(/: 0 replayed, 0 passed over/);
      expect(v2Handled.map((r) => r.key)).toEqual(['cart-b', 'cart-new']);
    } finally {
      await v2.stop();
      await producer.disconnect();
    }
  });

  it('refuses an unknown service with the usage', async () => {
    await expect(dlq('replay', 'nobody')).rejects.toMatchObject({ code: 64, stderr: expect.stringMatching(/usage/) });
  });
});
