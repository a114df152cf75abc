import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Topics } from '@reclaim/contracts';
import type { Kafka } from '@reclaim/kafka';
import { log, ROOT } from './bench-kit';

/**
 * The broker's own ceiling, measured by Kafka's tools at the broker's version: ProducerPerformance
 * (400-byte records, acks=all, unthrottled) and EndToEndLatency (one record at a time, produce to
 * consume, acks=all). Their jars come from Maven Central through the `kafka-tools` profile of
 * tools/kafka/pom.xml (same kafka.version as the broker), cached in .local/kafka/tools-libs.
 */
const POM = resolve(ROOT, 'tools/kafka/pom.xml');
const LIBS = resolve(ROOT, '.local/kafka/tools-libs');
const HASH = resolve(ROOT, '.local/kafka/tools-libs.pom.sha256');

export interface KafkaCeiling {
  kafkaVersion: string;
  producerPerformance: {
    records: number;
    recordSize: number;
    recordsPerSec: number;
    mbPerSec: number;
    avgLatencyMs: number;
    p99LatencyMs: number;
  };
  endToEndLatency: { messages: number; avgMs: number; p50Ms: number; p99Ms: number; p999Ms: number };
}

export function kafkaVersion(): string {
  return /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(readFileSync(POM, 'utf8'))?.[1] ?? 'unknown';
}

/** Resolves kafka-tools and its dependencies with Maven, once per version of the pom. */
function resolveToolJars(): string {
  const want = createHash('sha256').update(readFileSync(POM)).digest('hex');
  const have = existsSync(HASH) ? readFileSync(HASH, 'utf8').trim() : '';
  if (have === want && existsSync(LIBS)) return `${LIBS}/*`;
  log(`resolving kafka-tools ${kafkaVersion()} with Maven into ${LIBS}`);
  const tmp = `${LIBS}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  const r = spawnSync(
    'mvn',
    [
      '-q',
      '-B',
      '-f',
      POM,
      '-P',
      'kafka-tools',
      'dependency:copy-dependencies',
      '-DincludeScope=runtime',
      `-DoutputDirectory=${tmp}`,
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  if (r.error || r.status !== 0) {
    rmSync(tmp, { recursive: true, force: true });
    throw new Error(`mvn failed (${r.error?.message ?? `exit ${r.status}`}): ${`${r.stdout}${r.stderr}`.slice(-2000)}`);
  }
  rmSync(LIBS, { recursive: true, force: true });
  renameSync(tmp, LIBS);
  writeFileSync(HASH, `${want}\n`);
  return `${LIBS}/*`;
}

/** Runs one of Kafka's tool classes and returns its stdout (stderr goes to the bench's log). */
function runTool(classpath: string, main: string, args: string[]): Promise<string> {
  const java = process.env['JAVA_HOME'] ? resolve(process.env['JAVA_HOME'], 'bin/java') : 'java';
  return new Promise((resolvePromise, reject) => {
    const child = spawn(java, ['-Xmx512m', '-cp', classpath, main, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolvePromise(out) : reject(new Error(`${main} exited ${code}: ${(err || out).slice(-1500)}`)),
    );
  });
}

function match(text: string, re: RegExp, what: string): RegExpExecArray {
  const m = re.exec(text);
  if (!m) throw new Error(`could not read ${what} from: ${text.slice(-600)}`);
  return m;
}

export async function kafkaCeiling(
  kafka: Kafka,
  prefix: string,
  opts: { records: number; recordSize: number; e2eMessages: number },
): Promise<KafkaCeiling> {
  const classpath = resolveToolJars();
  const brokers = process.env['KAFKA_BROKERS'] ?? '';
  const perfTopic = `${prefix}ceiling.producer-performance`;
  const e2eTopic = `${prefix}ceiling.end-to-end-latency`;
  const admin = kafka.admin();
  await admin.connect();
  try {
    // The same partition count as the storefront-events topic the raw kafkajs and HTTP rows write to.
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        { topic: perfTopic, numPartitions: Topics.storefrontEvents.partitions },
        { topic: e2eTopic, numPartitions: 1 },
      ],
    });
  } finally {
    await admin.disconnect();
  }

  log(`ProducerPerformance: ${opts.records} records of ${opts.recordSize} bytes, acks=all`);
  const perf = await runTool(classpath, 'org.apache.kafka.tools.ProducerPerformance', [
    '--topic',
    perfTopic,
    '--num-records',
    String(opts.records),
    '--record-size',
    String(opts.recordSize),
    '--throughput',
    '-1',
    '--producer-props',
    `bootstrap.servers=${brokers}`,
    'acks=all',
  ]);
  const p = match(
    perf,
    /(\d+) records sent, ([\d.]+) records\/sec \(([\d.]+) MB\/sec\), ([\d.]+) ms avg latency, [\d.]+ ms max latency, \d+ ms 50th, \d+ ms 95th, (\d+) ms 99th/,
    'ProducerPerformance summary',
  );

  log(`EndToEndLatency: ${opts.e2eMessages} messages of ${opts.recordSize} bytes, acks=all`);
  // Kafka 4.1's EndToEndLatency takes positional arguments: brokers topic count acks size.
  const e2e = await runTool(classpath, 'org.apache.kafka.tools.EndToEndLatency', [
    brokers,
    e2eTopic,
    String(opts.e2eMessages),
    'all',
    String(opts.recordSize),
  ]);
  const avg = match(e2e, /Avg latency: ([\d.]+) ms/, 'EndToEndLatency average');
  const pct = match(e2e, /Percentiles: 50th = (\d+), 99th = (\d+), 99\.9th = (\d+)/, 'EndToEndLatency percentiles');

  return {
    kafkaVersion: kafkaVersion(),
    producerPerformance: {
      records: Number(p[1]),
      recordSize: opts.recordSize,
      recordsPerSec: Number(p[2]),
      mbPerSec: Number(p[3]),
      avgLatencyMs: Number(p[4]),
      p99LatencyMs: Number(p[5]),
    },
    endToEndLatency: {
      messages: opts.e2eMessages,
      avgMs: Number(avg[1]),
      p50Ms: Number(pct[1]),
      p99Ms: Number(pct[2]),
      p999Ms: Number(pct[3]),
    },
  };
}
