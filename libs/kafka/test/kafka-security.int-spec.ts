import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '@reclaim/testing';
import { createKafka, SaslMechanisms, type KafkaSettings } from '../src';

const run = promisify(execFile);
const USER = 'reclaim-app';
const PASSWORD = 'sasl-spec-password-0123';

/**
 * The clients' SASL settings against a real broker: a second local broker (its own data
 * directory, a small heap) that also listens with SASL_PLAINTEXT for PLAIN and SCRAM users
 * (tools/kafka/broker.mjs, KAFKA_SASL_USERS). Every mechanism the configuration offers logs in,
 * produces and reads back; a wrong password is refused.
 */
describe('Kafka client security settings', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'reclaim-kafka-sasl-'));
  const env = (): NodeJS.ProcessEnv => {
    const { KAFKA_BROKERS: _shared, ...rest } = process.env;
    return {
      ...rest,
      KAFKA_DATA_DIR: dataDir,
      KAFKA_SASL_USERS: `${USER}:${PASSWORD}`,
      KAFKA_HEAP_OPTS: '-Xms256m -Xmx256m',
    };
  };
  const broker = (cmd: 'start' | 'stop') =>
    run(process.execPath, [resolve(REPO_ROOT, 'tools/kafka/broker.mjs'), cmd], {
      cwd: REPO_ROOT,
      env: env(),
      maxBuffer: 10 << 20,
    });
  let saslBrokers = '';

  beforeAll(async () => {
    const { stdout } = await broker('start');
    saslBrokers = /KAFKA_SASL_BROKERS=(\S+)/.exec(stdout)?.[1] ?? '';
    if (!saslBrokers) throw new Error(`the SASL broker printed no KAFKA_SASL_BROKERS line:\n${stdout}`);
  }, 180_000);

  afterAll(async () => {
    await broker('stop').catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  const settings = (sasl: KafkaSettings['sasl']): KafkaSettings => ({
    brokers: [saslBrokers],
    clientId: 'reclaim-sasl-spec',
    topicPrefix: '',
    sasl,
  });

  it.each(SaslMechanisms)('logs in with %s, produces and reads back', async (mechanism) => {
    const kafka = createKafka(settings({ mechanism, username: USER, password: PASSWORD }));
    const topic = `sasl-${mechanism}-${Date.now()}`;
    const admin = kafka.admin();
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    const consumer = kafka.consumer({ groupId: `${topic}-group` });
    try {
      await admin.connect();
      await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
      await producer.connect();
      await producer.send({ topic, acks: -1, messages: [{ key: 'k', value: mechanism }] });
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      const read = await new Promise<string>((resolveRead, reject) => {
        const timer = setTimeout(() => reject(new Error('nothing read within 30 s')), 30_000);
        void consumer.run({
          eachMessage: ({ message }) => {
            clearTimeout(timer);
            resolveRead(message.value?.toString() ?? '');
            return Promise.resolve();
          },
        });
      });
      expect(read).toBe(mechanism);
    } finally {
      await Promise.allSettled([consumer.disconnect(), producer.disconnect(), admin.disconnect()]);
    }
  });

  it.each(SaslMechanisms)('is refused with %s and a wrong password', async (mechanism) => {
    const admin = createKafka(settings({ mechanism, username: USER, password: 'not-the-password' })).admin();
    await expect(admin.connect()).rejects.toThrow(/SASL|[Aa]uthentication/);
    await admin.disconnect();
  });

  it('is refused without SASL on the SASL listener', async () => {
    const admin = createKafka({ ...settings(undefined), clientId: 'no-sasl' }).admin();
    await expect(admin.describeCluster()).rejects.toThrow();
    await admin.disconnect();
  });
});
