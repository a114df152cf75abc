import { execFile, spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const REPO_ROOT = resolve(__dirname, '../../..');

export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

/** Free TCP port on loopback. */
export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** True when a Docker engine answers (testcontainers can then start containers). */
export function dockerAvailable(): boolean {
  if (process.env['RECLAIM_TEST_NO_DOCKER'] === '1') return false;
  const probe = spawnSync('docker', ['info', '--format', '{{.ServerVersion}}'], { timeout: 5_000, encoding: 'utf8' });
  return probe.status === 0 && probe.stdout.trim().length > 0;
}

/**
 * Where the tests' Kafka comes from, in order: KAFKA_BROKERS when given; a Kafka container
 * when a Docker engine answers; otherwise the native broker from tools/kafka (Maven jars).
 */
export async function resolveKafka(): Promise<{ brokers: string; stop?: () => Promise<void>; how: string }> {
  const given = process.env['KAFKA_BROKERS'];
  if (given) return { brokers: given, how: 'KAFKA_BROKERS' };
  if (dockerAvailable()) {
    const { GenericContainer, Wait } = await import('testcontainers');
    // The advertised listener must be the port the host sees, so host and container use one free port.
    const port = await freePort();
    const container = await new GenericContainer('apache/kafka:4.1.2')
      .withExposedPorts({ container: port, host: port })
      .withEnvironment({
        KAFKA_NODE_ID: '1',
        KAFKA_PROCESS_ROLES: 'broker,controller',
        KAFKA_LISTENERS: `PLAINTEXT://:${port},CONTROLLER://:9093`,
        KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://127.0.0.1:${port}`,
        KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
        KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
        KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
        KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
        KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
        KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
        KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
        KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false',
      })
      .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/))
      .start();
    return {
      brokers: `127.0.0.1:${port}`,
      how: 'testcontainers',
      stop: async () => {
        await container.stop();
      },
    };
  }
  const { stdout } = await run(process.execPath, [resolve(REPO_ROOT, 'tools/kafka/broker.mjs'), 'start'], {
    cwd: REPO_ROOT,
    maxBuffer: 10 * 1024 * 1024,
  });
  const line = stdout
    .trim()
    .split('\n')
    .reverse()
    .find((l) => l.startsWith('KAFKA_BROKERS='));
  if (!line) throw new Error(`tools/kafka/broker.mjs start printed no KAFKA_BROKERS line:\n${stdout}`);
  return {
    brokers: line.slice('KAFKA_BROKERS='.length),
    how: 'native broker (tools/kafka)',
    stop: async () => {
      await run(process.execPath, [resolve(REPO_ROOT, 'tools/kafka/broker.mjs'), 'stop'], { cwd: REPO_ROOT });
    },
  };
}

/** Postgres for tests: DATABASE_URL when given; a container when Docker answers; else the local server. */
export async function resolvePostgres(): Promise<{ url: string; stop?: () => Promise<void>; how: string }> {
  const given = process.env['DATABASE_URL'];
  if (given) return { url: given, how: 'DATABASE_URL' };
  if (dockerAvailable()) {
    const { GenericContainer, Wait } = await import('testcontainers');
    const container = await new GenericContainer('postgres:17')
      .withEnvironment({ POSTGRES_HOST_AUTH_METHOD: 'trust' })
      .withExposedPorts(5432)
      .withWaitStrategy(Wait.forLogMessage(/database system is ready to accept connections/, 2))
      .start();
    return {
      url: `postgres://postgres@${container.getHost()}:${container.getMappedPort(5432)}/postgres`,
      how: 'testcontainers',
      stop: async () => {
        await container.stop();
      },
    };
  }
  return { url: DEFAULT_DATABASE_URL, how: 'local PostgreSQL' };
}

/** Compiles apps and libs into dist/ (swc, about a second): e2e specs run the built services. */
export function buildServices(): void {
  const swc = resolve(REPO_ROOT, 'node_modules/.bin/swc');
  const res = spawnSync(
    swc,
    ['apps', 'libs', 'tools', '--extensions', '.ts', '-d', 'dist', '--config-file', '.swcrc', '-q'],
    {
      cwd: REPO_ROOT,
      encoding: 'utf8',
    },
  );
  if (res.status !== 0) throw new Error(`build failed:\n${res.stdout}\n${res.stderr}`);
}
