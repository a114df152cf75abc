import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { pollUntil, REPO_ROOT } from '@reclaim/testing';
import type { Kafka } from 'kafkajs';
import { createKafka, EventPublisher, type KafkaSettings, type OutgoingMessage } from '../src';

const run = promisify(execFile);

/**
 * Atomic sends across a broker crash, on a broker of this spec's own (its own data directory, a
 * small heap; tools/kafka/broker.mjs). A transaction whose abort cannot reach the broker leaves a
 * kafkajs producer in a state it never leaves by itself (every later transaction fails at once);
 * the publisher must replace it, so sends work again as soon as the broker is back.
 */
describe('EventPublisher across a broker crash', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'reclaim-kafka-crash-'));
  const env = (): NodeJS.ProcessEnv => {
    const { KAFKA_BROKERS: _shared, ...rest } = process.env;
    return { ...rest, KAFKA_DATA_DIR: dataDir, KAFKA_HEAP_OPTS: '-Xms256m -Xmx256m' };
  };
  const broker = async (cmd: 'start' | 'restart' | 'stop'): Promise<string> =>
    (
      await run(process.execPath, [resolve(REPO_ROOT, 'tools/kafka/broker.mjs'), cmd], {
        cwd: REPO_ROOT,
        env: env(),
        maxBuffer: 10 << 20,
      })
    ).stdout;
  const brokerPid = (): number =>
    (JSON.parse(readFileSync(join(dataDir, 'state.json'), 'utf8')) as { pid: number }).pid;

  const isAlive = (pid: number): boolean => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };

  const topic = `publisher-crash-${Date.now()}`;
  let settings: KafkaSettings;
  let publisher: EventPublisher | undefined;

  beforeAll(async () => {
    const brokers = /KAFKA_BROKERS=(\S+)/.exec(await broker('start'))?.[1];
    if (!brokers) throw new Error('the private broker printed no KAFKA_BROKERS line');
    settings = { brokers: [brokers], clientId: 'reclaim-publisher-crash-spec', topicPrefix: '' };
    const admin = createKafka(settings).admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    await admin.disconnect();
  }, 180_000);

  afterAll(async () => {
    await publisher?.disconnect().catch(() => undefined);
    await broker('stop').catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  const message = (key: string): OutgoingMessage => ({ topic, key, value: JSON.stringify({ key }), headers: {} });

  /**
   * Kafka clients whose transactions crash the broker (SIGKILL, and gone) right after their
   * messages were sent and before the commit, when `crashBeforeCommit` is set: the partitions are
   * in the transaction, so the commit and the abort both need the broker.
   */
  let crashBeforeCommit = false;
  const crashingKafka = (): Kafka => {
    const kafka = createKafka(settings);
    const producer = kafka.producer.bind(kafka);
    kafka.producer = (config) => {
      const p = producer(config);
      const transaction = p.transaction.bind(p);
      p.transaction = async () => {
        const tx = await transaction();
        const sendBatch = tx.sendBatch.bind(tx);
        tx.sendBatch = async (batch) => {
          const sent = await sendBatch(batch);
          if (crashBeforeCommit) {
            crashBeforeCommit = false;
            const pid = brokerPid();
            process.kill(pid, 'SIGKILL');
            await pollUntil(() => !isAlive(pid), { description: 'the broker to be gone' });
          }
          return sent;
        };
        return tx;
      };
      return p;
    };
    return kafka;
  };

  it('replaces a producer whose transaction could not be ended, and sends again once the broker is back', async () => {
    publisher = new EventPublisher(crashingKafka(), settings, {
      source: '/test/publisher-crash',
      transactionalProducers: 1,
    });
    await publisher.connect();
    await publisher.sendAtomically([message('before')]);

    crashBeforeCommit = true;
    await expect(publisher.sendAtomically([message('during')])).rejects.toThrow(/Kafka/);
    // The caller got its answer by the send timeout; the commit and abort go on retrying until they give up.
    await pollUntil(() => publisher!.transactionalPoolState().idle === 1, {
      timeoutMs: 120_000,
      description: 'the failed transaction to settle',
    });
    expect(publisher.transactionalPoolState()).toMatchObject({ size: 1, replaced: 1 });

    await broker('restart');
    await pollUntil(
      () =>
        publisher!.sendAtomically([message('after')]).then(
          () => true,
          () => false,
        ),
      { timeoutMs: 60_000, intervalMs: 1_000, description: 'an atomic send to succeed after the restart' },
    );

    const consumer = createKafka(settings).consumer({ groupId: `${topic}-reader`, readUncommitted: false });
    const keys: string[] = [];
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      await consumer.run({
        eachMessage: ({ message: m }) => {
          keys.push(m.key?.toString() ?? '');
          return Promise.resolve();
        },
      });
      await pollUntil(() => keys.includes('after'), { timeoutMs: 30_000, description: 'the message sent after' });
    } finally {
      await consumer.disconnect();
    }
    expect(keys.filter((k) => k !== 'after')).toEqual(['before']); // the aborted send never became visible
  }, 300_000);
});
