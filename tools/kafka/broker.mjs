#!/usr/bin/env node
// One-command local Apache Kafka: a real single-node KRaft broker run from the Maven Central jars
// pinned in ./pom.xml. No Docker. Needs Java 17+ and Maven on PATH.
//
//   node tools/kafka/broker.mjs start    # prints KAFKA_BROKERS=127.0.0.1:<port> as the last stdout line
//   node tools/kafka/broker.mjs stop     # SIGTERM (controlled shutdown), SIGKILL after 30 s; idempotent
//   node tools/kafka/broker.mjs status   # exit 0 if running, 1 if not
//   node tools/kafka/broker.mjs restart  # stop (if running), start again on the same ports with the same data
//
//   import { ensureBroker, stopBroker } from './tools/kafka/broker.mjs';
//   const { brokers, startedHere } = await ensureBroker();
//
// Environment: KAFKA_BROKERS (use that cluster, start nothing), KAFKA_DATA_DIR (default
// <repo>/.local/kafka), KAFKA_START_TIMEOUT_MS (readiness, default 90000), KAFKA_HEAP_OPTS
// (default "-Xms512m -Xmx512m"), KAFKA_KEEP_DATA=1 (stop keeps the data directory),
// KAFKA_PORT / KAFKA_CONTROLLER_PORT (listen there instead of on free ports; with KAFKA_KEEP_DATA=1
// a start on the same port reuses that port's data directory),
// KAFKA_SASL_USERS="user:password,…" (also a SASL_PLAINTEXT listener with PLAIN and SCRAM for
// those users; `start` then prints KAFKA_SASL_BROKERS=… before the last line).
// Only Node built-ins are used; kafkajs (from the repo's node_modules) is used for the readiness
// check when it can be loaded, otherwise the broker's log and TCP port are watched instead.

import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const DEFAULT_ROOT = path.resolve(HERE, '..', '..');
const POM = path.join(HERE, 'pom.xml');
const HOST = '127.0.0.1';
const STOP_GRACE_MS = 30_000;
const LOCK_WAIT_MS = 10 * 60_000;
const EMPTY_LOCK_STALE_MS = 10_000;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const defaultLog = (msg) => process.stderr.write(`[kafka] ${msg}\n`);

function paths(rootDir = DEFAULT_ROOT) {
  const dir = path.resolve(process.env.KAFKA_DATA_DIR || path.join(rootDir, '.local', 'kafka'));
  return {
    rootDir,
    dir,
    libs: path.join(dir, 'libs'),
    libsHash: path.join(dir, 'libs.pom.sha256'),
    state: path.join(dir, 'state.json'),
    pidFile: path.join(dir, 'broker.pid'),
    lock: path.join(dir, 'start.lock'),
    log: path.join(dir, 'broker.log'),
    log4j: path.join(dir, 'log4j2.xml'),
    props: path.join(dir, 'server.properties'),
  };
}

function kafkaVersion() {
  const m = /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(fs.readFileSync(POM, 'utf8'));
  return m ? m[1].trim() : 'unknown';
}

// ---------------------------------------------------------------------------------------------
// processes

function pidAlive(pid) {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (e) {
    if (e.code !== 'EPERM') return false;
  }
  // A zombie still answers kill(0); /proc tells (Linux only, elsewhere trust kill(0)).
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const st = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    if (st === 'Z' || st === 'X') return false;
  } catch {
    /* no /proc */
  }
  return true;
}

/** Is pid alive and (where /proc exists) our kafka.Kafka process for this data dir? */
function isOurBroker(pid, p) {
  if (!pidAlive(pid)) return false;
  try {
    const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return cmd.includes('kafka.Kafka') && cmd.includes(p.props);
  } catch {
    return true;
  }
}

function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

function writeJsonAtomic(file, value) {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(value, null, 2) + '\n');
  fs.renameSync(tmp, file);
}

function readPidFile(p) {
  try {
    const n = Number.parseInt(fs.readFileSync(p.pidFile, 'utf8').trim(), 10);
    return Number.isInteger(n) ? n : null;
  } catch {
    return null;
  }
}

function tail(file, lines = 60) {
  try {
    const text = fs.readFileSync(file, 'utf8');
    return text.split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

// ---------------------------------------------------------------------------------------------
// lock: exclusive create, stale when its owner is gone

async function acquireLock(p, log) {
  const token = `${process.pid}-${randomBytes(6).toString('hex')}`;
  const deadline = Date.now() + LOCK_WAIT_MS;
  let said = false;
  for (;;) {
    try {
      const fd = fs.openSync(p.lock, 'wx');
      fs.writeSync(fd, JSON.stringify({ pid: process.pid, token, at: new Date().toISOString() }));
      fs.closeSync(fd);
      return token;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
    }
    let raw = '';
    let mtime = Date.now();
    try {
      raw = fs.readFileSync(p.lock, 'utf8');
      mtime = fs.statSync(p.lock).mtimeMs;
    } catch {
      continue; // vanished meanwhile: try again
    }
    let owner = null;
    try {
      owner = JSON.parse(raw);
    } catch {
      /* empty or half-written */
    }
    const stale = owner ? !pidAlive(owner.pid) : Date.now() - mtime > EMPTY_LOCK_STALE_MS;
    if (stale) {
      // Move it aside atomically, then make sure what we moved is the stale one we judged.
      const aside = `${p.lock}.stale-${token}`;
      try {
        fs.renameSync(p.lock, aside);
        const moved = fs.readFileSync(aside, 'utf8');
        if (moved !== raw) {
          try {
            fs.linkSync(aside, p.lock); // a live lock was taken meanwhile: put it back
          } catch {
            /* someone else holds it now; their check-before-spawn guards it */
          }
        } else {
          log(`removed a stale start lock (pid ${owner?.pid ?? '?'} is gone)`);
        }
        fs.rmSync(aside, { force: true });
      } catch {
        /* someone else cleaned it */
      }
      continue;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for the start lock ${p.lock} held by pid ${owner?.pid ?? '?'}`);
    }
    if (!said) {
      log(`another start is in progress (pid ${owner?.pid ?? '?'}); waiting for it`);
      said = true;
    }
    await sleep(200);
  }
}

function holdsLock(p, token) {
  const owner = readJson(p.lock);
  return owner?.token === token;
}

function releaseLock(p, token) {
  if (holdsLock(p, token)) fs.rmSync(p.lock, { force: true });
}

// ---------------------------------------------------------------------------------------------
// jars

function javaBin() {
  return process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
}

function checkJava() {
  const r = spawnSync(javaBin(), ['-version'], { encoding: 'utf8' });
  if (r.error) throw new Error(`cannot run ${javaBin()} (${r.error.code}): Kafka ${kafkaVersion()} needs Java 17+`);
  const m = /version "(\d+)(?:\.(\d+))?/.exec(r.stderr || '');
  const major = m ? (m[1] === '1' ? Number(m[2]) : Number(m[1])) : 0;
  if (major && major < 17) throw new Error(`Java ${major} found; Kafka ${kafkaVersion()} needs Java 17+`);
}

function pomHash() {
  return createHash('sha256').update(fs.readFileSync(POM)).digest('hex');
}

function resolveJars(p, log) {
  const want = pomHash();
  let have = null;
  try {
    have = fs.readFileSync(p.libsHash, 'utf8').trim();
  } catch {
    /* not resolved yet */
  }
  if (have === want && fs.existsSync(p.libs)) return false;
  log(`resolving Kafka ${kafkaVersion()} jars with Maven into ${p.libs}`);
  const tmp = `${p.libs}.tmp-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  const r = spawnSync(
    'mvn',
    ['-q', '-B', '-f', POM, 'dependency:copy-dependencies', '-DincludeScope=runtime', `-DoutputDirectory=${tmp}`],
    { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' },
  );
  if (r.error || r.status !== 0) {
    fs.rmSync(tmp, { recursive: true, force: true });
    const out = `${r.stdout || ''}${r.stderr || ''}`.trim().split('\n').slice(-40).join('\n');
    throw new Error(`mvn dependency:copy-dependencies failed (${r.error?.code ?? `exit ${r.status}`}):\n${out}`);
  }
  if (!fs.readdirSync(tmp).some((f) => f.startsWith('kafka_2.13-'))) {
    throw new Error(`mvn finished but ${tmp} has no kafka_2.13 jar`);
  }
  fs.rmSync(p.libs, { recursive: true, force: true });
  fs.renameSync(tmp, p.libs);
  fs.rmSync(p.libsHash, { force: true });
  fs.writeFileSync(p.libsHash, `${want}\n`);
  return true;
}

// ---------------------------------------------------------------------------------------------
// config

function writeLog4j(p) {
  // Everything goes to the console appender; the broker's stdout/stderr are redirected to broker.log.
  const xml = `<?xml version="1.0" encoding="UTF-8"?>
<!-- generated by tools/kafka/broker.mjs -->
<Configuration status="WARN" shutdownHook="disable">
  <Appenders>
    <Console name="STDOUT" target="SYSTEM_OUT">
      <PatternLayout pattern="[%d] %p %m (%c)%n"/>
    </Console>
  </Appenders>
  <Loggers>
    <Root level="INFO"><AppenderRef ref="STDOUT"/></Root>
    <Logger name="kafka" level="WARN"/>
    <Logger name="org.apache.kafka" level="WARN"/>
    <Logger name="state.change.logger" level="WARN"/>
    <Logger name="kafka.request.logger" level="WARN"/>
    <Logger name="kafka.authorizer.logger" level="WARN"/>
    <!-- keep the lifecycle lines: started, shutting down, shut down -->
    <Logger name="kafka.Kafka" level="INFO"/>
    <Logger name="kafka.server.KafkaRaftServer" level="INFO"/>
    <Logger name="kafka.server.BrokerServer" level="INFO"/>
    <Logger name="kafka.server.ControllerServer" level="INFO"/>
  </Loggers>
</Configuration>
`;
  fs.writeFileSync(p.log4j, xml);
}

/**
 * KAFKA_SASL_USERS="alice:secret,bob:other" also opens a SASL_PLAINTEXT listener (PLAIN,
 * SCRAM-SHA-256 and SCRAM-SHA-512) for those users, for tests of the clients' security settings.
 */
function saslUsers() {
  return (process.env.KAFKA_SASL_USERS || '')
    .split(',')
    .filter(Boolean)
    .map((pair) => {
      const at = pair.indexOf(':');
      if (at <= 0) throw new Error(`KAFKA_SASL_USERS: "${pair}" is not user:password`);
      return { name: pair.slice(0, at), password: pair.slice(at + 1) };
    });
}

function saslProperties(users) {
  if (users.length === 0) return [];
  const plainUsers = users.map((u) => `user_${u.name}="${u.password}"`).join(' ');
  return [
    'sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-256,SCRAM-SHA-512',
    `listener.name.sasl_plaintext.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required ${plainUsers};`,
    'listener.name.sasl_plaintext.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;',
    'listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;',
  ];
}

function serverProperties({ port, controllerPort, saslPort, dataDir }) {
  const sasl = saslPort ? `,SASL_PLAINTEXT://${HOST}:${saslPort}` : '';
  return [
    '# generated by tools/kafka/broker.mjs: single-node KRaft broker for local development and tests',
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@${HOST}:${controllerPort}`,
    `listeners=PLAINTEXT://${HOST}:${port},CONTROLLER://${HOST}:${controllerPort}${sasl}`,
    `advertised.listeners=PLAINTEXT://${HOST}:${port}${sasl}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    `listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT${saslPort ? ',SASL_PLAINTEXT:SASL_PLAINTEXT' : ''}`,
    ...saslProperties(saslPort ? saslUsers() : []),
    `log.dirs=${dataDir}`,
    'num.partitions=1',
    'default.replication.factor=1',
    'min.insync.replicas=1',
    'auto.create.topics.enable=false',
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=1',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'transaction.state.log.num.partitions=1',
    'share.coordinator.state.topic.replication.factor=1',
    'share.coordinator.state.topic.min.isr=1',
    'group.initial.rebalance.delay.ms=0',
    '',
  ].join('\n');
}

/** A port from the environment (KAFKA_PORT, …), or undefined. */
function envPort(name) {
  const raw = process.env[name];
  if (!raw) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0 || n > 65535) throw new Error(`${name}: "${raw}" is not a port`);
  return n;
}

/** The cluster id a data directory was formatted with, or null when it is not formatted. */
function formattedClusterId(dataDir) {
  try {
    const meta = fs.readFileSync(path.join(dataDir, 'meta.properties'), 'utf8');
    return /^cluster\.id=(.+)$/m.exec(meta)?.[1].trim() ?? null;
  } catch {
    return null;
  }
}

/** Two distinct free ports on 127.0.0.1 (both held open while the second is picked). */
async function freePorts(n) {
  const servers = [];
  try {
    for (let i = 0; i < n; i++) {
      const s = net.createServer();
      await new Promise((res, rej) => {
        s.once('error', rej);
        s.listen(0, HOST, res);
      });
      servers.push(s);
    }
    return servers.map((s) => s.address().port);
  } finally {
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  }
}

function runJavaTool(p, args) {
  const r = spawnSync(javaBin(), [`-Dlog4j2.configurationFile=${p.log4j}`, '-cp', path.join(p.libs, '*'), ...args], {
    encoding: 'utf8',
    cwd: p.dir,
  });
  if (r.error || r.status !== 0) {
    throw new Error(
      `${args.slice(0, 2).join(' ')} failed (${r.error?.code ?? `exit ${r.status}`}):\n${r.stdout}${r.stderr}`,
    );
  }
  return r.stdout.trim();
}

// ---------------------------------------------------------------------------------------------
// readiness

function loadKafkajs(rootDir) {
  for (const base of [path.join(rootDir, 'package.json'), fileURLToPath(import.meta.url)]) {
    try {
      return createRequire(base)('kafkajs');
    } catch {
      /* try the next */
    }
  }
  return null;
}

function tcpAnswers(port, timeoutMs = 1000) {
  return new Promise((resolve) => {
    const s = net.connect({ host: HOST, port });
    const done = (ok) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(timeoutMs, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

function client(kafkajs, brokers, retries) {
  return new kafkajs.Kafka({
    clientId: 'reclaim-broker-tool',
    brokers: [brokers],
    logLevel: kafkajs.logLevel.NOTHING,
    connectionTimeout: 1000,
    requestTimeout: 5000,
    retry: { retries, initialRetryTime: 100, maxRetryTime: 1000 },
  });
}

/** Quick liveness: the admin API answers (or, without kafkajs, the port accepts). */
async function answers(state, rootDir) {
  const kafkajs = loadKafkajs(rootDir);
  if (!kafkajs) return tcpAnswers(state.port);
  const admin = client(kafkajs, state.brokers, 1).admin();
  try {
    await admin.connect();
    const c = await admin.describeCluster();
    return c.brokers.length > 0;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

async function waitReady({ brokers, port, child, p, rootDir, timeoutMs, log }) {
  const deadline = Date.now() + timeoutMs;
  let exited = null;
  child.once('exit', (code, signal) => (exited = { code, signal }));
  const check = () => {
    if (exited) throw new Error(`the broker exited during startup (${exited.signal ?? `exit code ${exited.code}`})`);
    if (Date.now() > deadline) throw new Error(`the broker was not ready within ${Math.round(timeoutMs / 1000)} s`);
  };
  // Bound each kafkajs attempt by the overall deadline (its own retries could run past it).
  const bounded = async (promise) => {
    let timer;
    const limit = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error('deadline')), Math.max(1, deadline - Date.now()));
    });
    try {
      return await Promise.race([promise, limit]);
    } finally {
      clearTimeout(timer);
    }
  };

  const kafkajs = loadKafkajs(rootDir);
  if (!kafkajs) {
    log('kafkajs not found: waiting for "Kafka Server started" in the log and the port instead');
    for (;;) {
      check();
      if (/Kafka Server started/.test(tail(p.log, 400)) && (await tcpAnswers(port))) return;
      await sleep(250);
    }
  }

  // 1. the cluster answers
  for (;;) {
    check();
    const admin = client(kafkajs, brokers, 0).admin();
    try {
      const c = await bounded(admin.connect().then(() => admin.describeCluster()));
      if (c.brokers.length > 0 && c.controller !== null && c.controller !== -1) break;
    } catch {
      /* not yet */
    } finally {
      await admin.disconnect().catch(() => {});
    }
    await sleep(250);
  }

  // 2. a topic can be created and gets a leader (then it is deleted); 3. the group coordinator
  //    answers and 4. a transactional producer initialises. 3 and 4 also create __consumer_offsets
  //    and __transaction_state up front, so the first consumer group or transaction of a test does
  //    not spend its time in "coordinator not available / loading" retries.
  const topic = `reclaim-broker-readycheck-${process.pid}-${randomBytes(3).toString('hex')}`;
  const steps = [
    async (kafka) => {
      const admin = kafka.admin();
      try {
        await admin.connect();
        if (!(await admin.listTopics()).includes(topic)) {
          await admin.createTopics({
            topics: [{ topic, numPartitions: 1, replicationFactor: 1 }],
            waitForLeaders: true,
            timeout: 10_000,
          });
        }
        const md = await admin.fetchTopicMetadata({ topics: [topic] });
        const leader = md.topics[0]?.partitions[0]?.leader;
        if (!(Number.isInteger(leader) && leader >= 0)) throw new Error('no leader yet');
        await admin.deleteTopics({ topics: [topic], timeout: 10_000 });
      } finally {
        await admin.disconnect().catch(() => {});
      }
    },
    async (kafka) => {
      const admin = kafka.admin();
      try {
        await admin.connect();
        await admin.describeGroups(['reclaim-broker-readycheck']);
      } finally {
        await admin.disconnect().catch(() => {});
      }
    },
    async (kafka) => {
      const producer = kafka.producer({
        transactionalId: 'reclaim-broker-readycheck',
        idempotent: true,
        maxInFlightRequests: 1,
      });
      try {
        await producer.connect();
        const tx = await producer.transaction(); // InitProducerId through the transaction coordinator
        await tx.abort(); // nothing was added: kafkajs sends no EndTxn
      } finally {
        await producer.disconnect().catch(() => {});
      }
    },
  ];
  for (const step of steps) {
    for (;;) {
      check();
      try {
        await bounded(step(client(kafkajs, brokers, 5)));
        break;
      } catch {
        await sleep(250);
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// stop

async function killAndWait(pid, p, log) {
  if (!isOurBroker(pid, p)) return false;
  log(`stopping broker pid ${pid} (SIGTERM)`);
  try {
    process.kill(pid, 'SIGTERM');
    process.kill(pid, 'SIGCONT'); // a stopped (kill -STOP) JVM handles SIGTERM only once continued
  } catch {
    return false;
  }
  const deadline = Date.now() + STOP_GRACE_MS;
  while (Date.now() < deadline) {
    if (!pidAlive(pid)) return true;
    await sleep(100);
  }
  log(`broker pid ${pid} still running after ${STOP_GRACE_MS / 1000} s: SIGKILL`);
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    /* gone */
  }
  for (let i = 0; i < 50 && pidAlive(pid); i++) await sleep(100);
  return true;
}

function cleanup(p, state, keepData = Boolean(process.env.KAFKA_KEEP_DATA)) {
  fs.rmSync(p.state, { force: true });
  fs.rmSync(p.pidFile, { force: true });
  if (state?.logDir && !keepData && path.dirname(state.logDir) === p.dir) {
    fs.rmSync(state.logDir, { recursive: true, force: true });
  }
}

/**
 * Stop the broker this tool started (per state.json / broker.pid). Idempotent.
 * @returns {Promise<{ stopped: boolean }>}
 */
export async function stopBroker({ rootDir = DEFAULT_ROOT, log = defaultLog } = {}) {
  const p = paths(rootDir);
  const state = readJson(p.state);
  const pids = new Set([state?.pid, readPidFile(p)].filter((x) => Number.isInteger(x)));
  let stopped = false;
  for (const pid of pids) stopped = (await killAndWait(pid, p, log)) || stopped;
  cleanup(p, state);
  if (!stopped) log('no broker from this tool is running');
  return { stopped };
}

// ---------------------------------------------------------------------------------------------
// start

async function runningState(p, rootDir) {
  const state = readJson(p.state);
  if (!state || !isOurBroker(state.pid, p)) return { state, ok: false };
  return { state, ok: await answers(state, rootDir) };
}

/**
 * Make sure a broker is reachable: KAFKA_BROKERS if set, else the one this tool already runs,
 * else start one (resolving the jars with Maven the first time).
 * `ports` (else KAFKA_PORT, KAFKA_CONTROLLER_PORT; else free ports) fixes where a new broker
 * listens; `keepData` (else KAFKA_KEEP_DATA) keeps the `data-*` directories, so a start on the
 * same port goes on with that port's data.
 * @param {{ rootDir?: string, timeoutMs?: number, log?: (msg: string) => void,
 *   ports?: { port?: number, controllerPort?: number, saslPort?: number }, keepData?: boolean }} [opts]
 * @returns {Promise<{ brokers: string, saslBrokers?: string, startedHere: boolean }>}
 */
export async function ensureBroker({ rootDir = DEFAULT_ROOT, timeoutMs, log = defaultLog, ports = {}, keepData } = {}) {
  keepData ??= Boolean(process.env.KAFKA_KEEP_DATA);
  if (process.env.KAFKA_BROKERS) {
    log(`KAFKA_BROKERS is set (${process.env.KAFKA_BROKERS}): starting nothing`);
    return { brokers: process.env.KAFKA_BROKERS, startedHere: false };
  }
  timeoutMs ??= Number(process.env.KAFKA_START_TIMEOUT_MS) || 90_000;
  const p = paths(rootDir);
  fs.mkdirSync(p.dir, { recursive: true });

  // fast path without the lock
  const first = await runningState(p, rootDir);
  if (first.ok) {
    log(`reusing broker pid ${first.state.pid} at ${first.state.brokers}`);
    return { brokers: first.state.brokers, saslBrokers: first.state.saslBrokers, startedHere: false };
  }

  const token = await acquireLock(p, log);
  try {
    const again = readJson(p.state);
    const unchanged =
      again && first.state && again.pid === first.state.pid && again.startedAt === first.state.startedAt;
    const { ok, state } = unchanged ? first : await runningState(p, rootDir);
    if (ok) {
      log(`reusing broker pid ${state.pid} at ${state.brokers}`);
      return { brokers: state.brokers, saslBrokers: state.saslBrokers, startedHere: false };
    }
    // Something of ours may be left over (hung broker, crashed start): clear it.
    const leftovers = new Set([state?.pid, readPidFile(p)].filter((x) => Number.isInteger(x)));
    for (const pid of leftovers) {
      if (isOurBroker(pid, p)) {
        log(`broker pid ${pid} does not answer: stopping it`);
        await killAndWait(pid, p, log);
      }
    }
    cleanup(p, state, keepData);
    for (const f of fs.readdirSync(p.dir)) {
      if (f.startsWith('data-') && !keepData) fs.rmSync(path.join(p.dir, f), { recursive: true, force: true });
    }

    checkJava();
    resolveJars(p, log);
    writeLog4j(p);

    const users = saslUsers();
    const fixed = {
      port: ports.port ?? envPort('KAFKA_PORT'),
      controllerPort: ports.controllerPort ?? envPort('KAFKA_CONTROLLER_PORT'),
      saslPort: users.length > 0 ? ports.saslPort : undefined,
    };
    const taken = new Set(Object.values(fixed).filter(Boolean));
    const free = (await freePorts(3 + taken.size)).filter((x) => !taken.has(x));
    const [port, controllerPort, saslPort] = [
      fixed.port ?? free[0],
      fixed.controllerPort ?? free[1],
      users.length > 0 ? (fixed.saslPort ?? free[2]) : undefined,
    ];
    if (new Set([port, controllerPort, saslPort].filter(Boolean)).size !== (saslPort ? 3 : 2))
      throw new Error(`the broker's ports must differ: ${[port, controllerPort, saslPort].filter(Boolean).join(', ')}`);
    const dataDir = path.join(p.dir, `data-${port}`);
    const brokers = `${HOST}:${port}`;
    fs.writeFileSync(p.props, serverProperties({ port, controllerPort, saslPort, dataDir }));

    const t0 = Date.now();
    // Kept data is already formatted (format --ignore-formatted leaves it): keep its cluster id.
    const clusterId =
      (keepData && formattedClusterId(dataDir)) ||
      runJavaTool(p, ['kafka.tools.StorageTool', 'random-uuid']).split('\n').pop().trim();
    // SCRAM credentials live in the cluster metadata: written at format time.
    const scram = users.flatMap((u) =>
      ['SCRAM-SHA-256', 'SCRAM-SHA-512'].flatMap((m) => [
        '--add-scram',
        `${m}=[name=${u.name},password=${u.password}]`,
      ]),
    );
    runJavaTool(p, [
      'kafka.tools.StorageTool',
      'format',
      '-t',
      clusterId,
      '-c',
      p.props,
      '--ignore-formatted',
      ...scram,
    ]);

    if (!holdsLock(p, token)) throw new Error('lost the start lock to another process; retry');
    if (fs.existsSync(p.log)) fs.renameSync(p.log, `${p.log}.prev`);
    const out = fs.openSync(p.log, 'a');
    const heap = (process.env.KAFKA_HEAP_OPTS || '-Xms512m -Xmx512m').split(/\s+/).filter(Boolean);
    const child = spawn(
      javaBin(),
      [
        ...heap,
        '-XX:+UseG1GC',
        '-Djava.awt.headless=true',
        `-Dlog4j2.configurationFile=${p.log4j}`,
        '-cp',
        path.join(p.libs, '*'),
        'kafka.Kafka',
        p.props,
      ],
      { cwd: p.dir, detached: true, stdio: ['ignore', out, out] },
    );
    fs.closeSync(out);
    child.unref();
    fs.writeFileSync(p.pidFile, `${child.pid}\n`);
    log(
      `started Kafka ${kafkaVersion()} pid ${child.pid} on ${brokers} (controller ${controllerPort}); waiting until ready`,
    );

    try {
      await waitReady({ brokers, port, child, p, rootDir, timeoutMs, log });
    } catch (e) {
      await killAndWait(child.pid, p, () => {});
      cleanup(p, { logDir: dataDir }, keepData);
      throw new Error(`${e.message}\n--- tail of ${p.log} ---\n${tail(p.log)}`);
    }
    const newState = {
      pid: child.pid,
      brokers,
      ...(saslPort ? { saslBrokers: `${HOST}:${saslPort}` } : {}),
      port,
      controllerPort,
      logDir: dataDir,
      logFile: p.log,
      clusterId,
      kafkaVersion: kafkaVersion(),
      startedAt: new Date().toISOString(),
    };
    writeJsonAtomic(p.state, newState);
    log(`ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    return { brokers, saslBrokers: newState.saslBrokers, startedHere: true };
  } finally {
    releaseLock(p, token);
  }
}

/**
 * Stop the broker this tool runs (if it still does; one that was killed is simply gone) and start
 * it again on the ports it had, with its data: clients reconnect to the same address and find
 * their topics, offsets and transactions. Without a previous state this is a plain start.
 * @returns {Promise<{ brokers: string, saslBrokers?: string, startedHere: boolean }>}
 */
export async function restartBroker({ rootDir = DEFAULT_ROOT, timeoutMs, log = defaultLog } = {}) {
  if (process.env.KAFKA_BROKERS) throw new Error('KAFKA_BROKERS is set: restart only restarts a broker of this tool');
  const p = paths(rootDir);
  const previous = readJson(p.state);
  const pids = new Set([previous?.pid, readPidFile(p)].filter((x) => Number.isInteger(x)));
  for (const pid of pids) await killAndWait(pid, p, log);
  const saslPort = previous?.saslBrokers ? Number(previous.saslBrokers.split(':').pop()) : undefined;
  const ports = previous ? { port: previous.port, controllerPort: previous.controllerPort, saslPort } : {};
  if (previous)
    log(`restarting on ${previous.brokers} (controller ${previous.controllerPort}) with ${previous.logDir}`);
  return ensureBroker({ rootDir, timeoutMs, log, ports, keepData: true });
}

// ---------------------------------------------------------------------------------------------
// CLI

async function status({ rootDir = DEFAULT_ROOT } = {}) {
  const p = paths(rootDir);
  const { state, ok } = await runningState(p, rootDir);
  if (process.env.KAFKA_BROKERS && process.env.KAFKA_BROKERS !== state?.brokers) {
    console.log(`KAFKA_BROKERS is set to ${process.env.KAFKA_BROKERS}: start uses that, not the broker below`);
  }
  console.log(JSON.stringify({ running: ok, dataDir: p.dir, ...(state ?? {}) }, null, 2));
  return ok;
}

async function main(argv) {
  const cmd = argv[0];
  // kafkajs 2.2.4 on Node >= 23 emits TimeoutNegativeWarning (kafkajs issue 1751, harmless here):
  // keep the CLI's output clean, print any other warning as Node would.
  const printers = process.listeners('warning');
  process.removeAllListeners('warning');
  process.on('warning', (w) => {
    if (w?.name !== 'TimeoutNegativeWarning') for (const f of printers) f(w);
  });
  try {
    if (cmd === 'start') {
      const { brokers, saslBrokers } = await ensureBroker();
      if (saslBrokers) console.log(`KAFKA_SASL_BROKERS=${saslBrokers}`);
      console.log(`KAFKA_BROKERS=${brokers}`);
      return 0;
    }
    if (cmd === 'stop') {
      await stopBroker();
      return 0;
    }
    if (cmd === 'status') return (await status()) ? 0 : 1;
    if (cmd === 'restart') {
      const { brokers, saslBrokers } = await restartBroker();
      if (saslBrokers) console.log(`KAFKA_SASL_BROKERS=${saslBrokers}`);
      console.log(`KAFKA_BROKERS=${brokers}`);
      return 0;
    }
    process.stderr.write('usage: node tools/kafka/broker.mjs start|stop|status|restart\n');
    return 2;
  } catch (e) {
    process.stderr.write(`[kafka] ${e.message}\n`);
    return 1;
  }
}

function invokedDirectly() {
  if (!process.argv[1]) return false;
  try {
    return import.meta.url === pathToFileURL(fs.realpathSync(process.argv[1])).href;
  } catch {
    return false;
  }
}

if (invokedDirectly()) {
  process.exitCode = await main(process.argv.slice(2));
}
