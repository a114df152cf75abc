import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { cpus } from 'node:os';
import { silenceKafkajsTimerWarning } from '@reclaim/kafka';
import { deleteRunTopics, envCount, log, LOG_DIR, peakRss, stageKafka } from './bench-kit';
import { channelBench, type ChannelResult } from './channel-bench';
import { emailRig } from './email-bench';
import { firstTouchBench, type FirstTouchResult } from './first-touch-bench';
import { ingestionBench } from './ingestion-bench';
import { kafkaCeiling, type KafkaCeiling } from './kafka-ceiling';
import { pushRig } from './push-bench';
import { format, table, writeReport, type Row } from './report';
import { schedulerBench, type SchedulerResult } from './scheduler-bench';
import { smsRig } from './sms-bench';
import { suppressionBench, type SuppressionResult } from './suppression-bench';
import { SERVICES, startSystem } from './system';

/**
 * `npm run bench`: every figure measured in one run on the same broker, printed as a table and
 * written to .local/bench/report.json. tools/bench/README.md describes each row. Targets are
 * printed beside the figures; a miss is reported, never a failure.
 *
 * Sizes (environment; BENCH_QUICK=1 picks the small value for a smoke run):
 *   BENCH_PERF_RECORDS       ProducerPerformance records (400 bytes each)        200000 | 20000
 *   BENCH_E2E_MESSAGES       EndToEndLatency round trips                           2000 | 200
 *   BENCH_EVENTS             events for raw kafkajs and POST /v1/events            20000 | 2000
 *   BENCH_CONCURRENCY        batches of 100 in flight                                  8 | 8
 *   BENCH_CHANNEL_TOUCHES    touches at once per channel service (email, SMS, push) 2000 | 100
 *   BENCH_FIRST_TOUCH_CARTS  carts abandoning at once, one round per number     200,2000 | 50
 *   BENCH_ORDERS             orders for suppression visibility                      200 | 20
 *   BENCH_PENDING            pending touches in the scheduler's table          1000000 | 20000
 *   BENCH_DUE                touches coming due over BENCH_DUE_OVER_MS (3000)       500 | 50
 *   BENCH_TIME_SCALE         RECOVERY_TIME_SCALE of the seven-service system      0.004
 *   BENCH_ONLY               comma-separated stages to run: ceiling, ingestion, channels, system, scheduler
 *   BENCH_OUT_DIR            where report.json and logs/ go                     .local/bench
 */
const QUICK = process.env['BENCH_QUICK'] === '1';
const settings = {
  quick: QUICK,
  perfRecords: envCount('BENCH_PERF_RECORDS', 200_000, 20_000),
  recordSize: 400,
  e2eMessages: envCount('BENCH_E2E_MESSAGES', 2_000, 200),
  events: envCount('BENCH_EVENTS', 20_000, 2_000),
  concurrency: envCount('BENCH_CONCURRENCY', 8, 8),
  channelTouches: envCount('BENCH_CHANNEL_TOUCHES', 2_000, 100),
  firstTouchCarts: (process.env['BENCH_FIRST_TOUCH_CARTS'] ?? (QUICK ? '50' : '200,2000'))
    .split(',')
    .map(Number)
    .filter((n) => n > 0),
  orders: envCount('BENCH_ORDERS', 200, 20),
  pending: envCount('BENCH_PENDING', 1_000_000, 20_000),
  due: envCount('BENCH_DUE', 500, 50),
  dueOverMs: envCount('BENCH_DUE_OVER_MS', 3_000, 3_000),
  timeScale: Number(process.env['BENCH_TIME_SCALE'] ?? 0.004),
};
const only = new Set((process.env['BENCH_ONLY'] ?? '').split(',').filter(Boolean));
const runs = (stage: string) => only.size === 0 || only.has(stage);

const rows: Row[] = [];
const results: Record<string, unknown> = {};
const ms = (s: { p50: number; p95: number; p99: number; max: number }) =>
  `p50 ${s.p50} / p95 ${s.p95} / p99 ${s.p99} / max ${s.max} ms`;

/** Runs one stage; a failure becomes a row saying so, and the run goes on with the next stage. */
async function stage(section: string, key: string, work: () => Promise<void>): Promise<void> {
  const started = Date.now();
  try {
    await work();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    log(`${key} failed: ${message}`);
    rows.push({ section, name: 'failed', value: null, unit: '', detail: message.split('\n')[0] ?? '' });
    results[key] = { error: error instanceof Error ? (error.stack ?? message) : message };
  }
  log(`${key} took ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

function channelRows(r: ChannelResult): void {
  const section = `Channel hand-offs (${r.touches} due touches at once, one instance, local provider)`;
  const equal = r.sent === r.handedOff ? 'equal' : 'NOT EQUAL';
  const others = Object.entries(r.outcomes)
    .filter(([s]) => s !== 'sent')
    .map(([s, n]) => `${s} ${n}`);
  rows.push({
    section,
    name: `${r.channel} hand-offs`,
    value: r.perSec,
    unit: '/s',
    target: { op: '>=', value: 500 },
    detail:
      `${r.seconds.toFixed(1)} s; time to outcome ${ms(r.timeToOutcomeMs)}; sent ${r.sent} / provider ${r.handedOff} (${equal})` +
      (others.length ? `; ${others.join(', ')}` : '') +
      (r.unanswered ? `; ${r.unanswered} without outcome` : ''),
  });
}

function firstTouchRow(r: FirstTouchResult): void {
  const others = Object.entries(r.otherOutcomes).map(([s, n]) => `${s} ${n}`);
  rows.push({
    section: 'First-touch lateness (all seven services; hand-off minus planned moment)',
    name: `${r.carts} carts at once, p95`,
    value: r.latenessMs.p95,
    unit: 'ms',
    ...(r.carts >= 2_000 ? { target: { op: '<=' as const, value: 1_000 } } : {}),
    detail:
      `${ms(r.latenessMs)}; ${r.handedOff}/${r.carts} handed to SMTP; posted in ${r.postSeconds.toFixed(1)} s, ` +
      `abandoned within ${format(r.abandonSpreadMs)} ms` +
      (others.length ? `; ${others.join(', ')}` : '') +
      (r.missing ? `; ${r.missing} without outcome` : ''),
  });
}

async function main(): Promise<void> {
  silenceKafkajsTimerWarning();
  const runId = randomBytes(3).toString('hex');
  const startedAt = new Date();
  rmSync(LOG_DIR, { recursive: true, force: true });
  log(`run ${runId}${QUICK ? ' (BENCH_QUICK)' : ''}; settings ${JSON.stringify(settings)}`);
  const { kafka, prefix } = await stageKafka(runId, 'main');
  let ceiling: KafkaCeiling | undefined;
  let idleRss: Record<string, number> = {};

  await stage('Kafka broker ceiling (Kafka tools)', 'ceiling', async () => {
    if (!runs('ceiling')) return;
    ceiling = await kafkaCeiling(kafka, prefix, {
      records: settings.perfRecords,
      recordSize: settings.recordSize,
      e2eMessages: settings.e2eMessages,
    });
    results['ceiling'] = ceiling;
    const section = `Kafka ${ceiling.kafkaVersion} broker ceiling (Kafka's own tools, acks=all, ${settings.recordSize}-byte records)`;
    const pp = ceiling.producerPerformance;
    const e2e = ceiling.endToEndLatency;
    rows.push(
      {
        section,
        name: 'ProducerPerformance',
        value: pp.recordsPerSec,
        unit: 'records/s',
        detail: `${pp.records} records, ${pp.mbPerSec} MB/s, avg latency ${pp.avgLatencyMs} ms, p99 ${pp.p99LatencyMs} ms`,
      },
      { section, name: 'EndToEndLatency p50', value: e2e.p50Ms, unit: 'ms', detail: `${e2e.messages} round trips` },
      {
        section,
        name: 'EndToEndLatency p99',
        value: e2e.p99Ms,
        unit: 'ms',
        detail: `avg ${e2e.avgMs} ms, p99.9 ${e2e.p999Ms} ms`,
      },
    );
  });

  await stage('Ingestion', 'ingestion', async () => {
    if (!runs('ingestion')) return;
    const r = await ingestionBench(kafka, prefix, runId, {
      events: settings.events,
      concurrency: settings.concurrency,
    });
    results['ingestion'] = r;
    const section = `Ingestion (${r.events} events, batches of 100, ${r.concurrency} in flight)`;
    const o = r.overload;
    rows.push(
      { section, name: 'raw kafkajs produce (idempotent)', value: r.rawPerSec, unit: 'events/s' },
      {
        section,
        name: 'POST /v1/events accepted (202)',
        value: r.httpPerSec,
        unit: 'events/s',
        target: {
          op: '>=',
          value: 0.5 * r.rawPerSec,
          label: `0.5 × raw kafkajs (${format(0.5 * r.rawPerSec)} events/s)`,
        },
      },
      { section, name: 'ingestion / raw kafkajs', value: r.httpPerSec / r.rawPerSec, unit: '×' },
      ...(ceiling
        ? [
            {
              section,
              name: 'ingestion / ProducerPerformance',
              value: r.httpPerSec / ceiling.producerPerformance.recordsPerSec,
              unit: '×',
            },
          ]
        : []),
      {
        section,
        name: `overload: capacity (batches of ${o.batch})`,
        value: o.capacityPerSec,
        unit: 'req/s',
        detail: `baseline latency ${o.baselineMs.toFixed(0)} ms; 4× offered: ${o.offeredPerSec} req/s for 6 s`,
      },
      {
        section,
        name: 'overload: answered 202 p99',
        value: o.answered.p99Ms,
        unit: 'ms',
        detail: `${o.answered.count} answered; shed 503: ${o.shed.count} (p99 ${o.shed.p99Ms} ms)${o.others.length ? `; ${o.others.join(', ')}` : ''}`,
      },
      {
        section,
        name: 'overload: time to recover',
        value: o.recoverySeconds,
        unit: 's',
        detail: '3 probes in a row near the baseline',
      },
    );
  });

  await stage('Channel hand-offs', 'channels', async () => {
    if (!runs('channels')) return;
    const channels = await stageKafka(runId, 'channels');
    const out: ChannelResult[] = [];
    for (const rig of [emailRig, smsRig, pushRig]) {
      const r = await channelBench(channels.kafka, channels.prefix, runId, await rig(runId), settings.channelTouches);
      out.push(r);
      channelRows(r);
    }
    results['channels'] = out;
  });

  await stage('Seven services', 'system', async () => {
    if (!runs('system')) return;
    const system = await startSystem(runId, settings.timeScale);
    idleRss = system.idleRssMb;
    try {
      let suppression: SuppressionResult | undefined;
      await stage('Suppression visibility', 'suppression', async () => {
        suppression = await suppressionBench(system, runId, settings.orders);
        results['suppression'] = suppression;
        const section = `Suppression visibility (${suppression.orders} orders, POST → in the email, SMS and push views)`;
        const e2eP99 = ceiling?.endToEndLatency.p99Ms;
        rows.push(
          { section, name: 'visible p50', value: suppression.visibleMs.p50, unit: 'ms' },
          {
            section,
            name: 'visible p99',
            value: suppression.visibleMs.p99,
            unit: 'ms',
            ...(e2eP99 !== undefined
              ? {
                  target: { op: '<=' as const, value: 5 * e2eP99, label: `5 × EndToEndLatency p99 (${5 * e2eP99} ms)` },
                }
              : {}),
            detail: `max ${suppression.visibleMs.max} ms; ${suppression.visibleBeforeAck}/${suppression.orders} visible before their 202`,
          },
          ...(e2eP99
            ? [
                {
                  section,
                  name: 'visible p99 / EndToEndLatency p99',
                  value: suppression.visibleMs.p99 / e2eP99,
                  unit: '×',
                },
              ]
            : []),
          {
            section,
            name: 'order ack guard (INGESTION_ORDER_ACK_GUARD_MS)',
            value: suppression.ackGuardMs,
            unit: 'ms',
            detail: `POST → 202 ${ms(suppression.ackMs)}`,
          },
        );
      });
      const firstTouch: FirstTouchResult[] = [];
      for (const [i, carts] of settings.firstTouchCarts.entries()) {
        await stage('First-touch lateness', `firstTouch${carts}`, async () => {
          const r = await firstTouchBench(system, runId, `r${i}`, carts);
          firstTouch.push(r);
          firstTouchRow(r);
        });
      }
      results['firstTouch'] = firstTouch;
    } finally {
      await system.stop();
    }
  });

  await stage('Scheduler', 'scheduler', async () => {
    if (!runs('scheduler')) return;
    const r: SchedulerResult = await schedulerBench(runId, {
      pending: settings.pending,
      due: settings.due,
      dueOverMs: settings.dueOverMs,
    });
    results['scheduler'] = r;
    rows.push({
      section: `Scheduler firing (${r.pending.toLocaleString('en-US')} pending touches in its table)`,
      name: `lateness p99 (${r.fired}/${r.due} due over ${r.dueOverMs / 1000} s)`,
      value: r.latenessMs.p99,
      unit: 'ms',
      target: { op: '<=', value: 250 },
      detail: `${ms(r.latenessMs)}; table filled in ${r.fillSeconds.toFixed(0)} s`,
    });
  });

  for (const name of SERVICES) {
    const idle = idleRss[name];
    const peak = peakRss.get(name);
    if (idle === undefined && peak === undefined) continue;
    rows.push({
      section: 'Resident memory per service process (VmRSS; idle: the seven-service system after start-up)',
      name,
      value: idle ?? null,
      unit: 'MB',
      target: { op: '<=', value: 150 },
      detail: peak === undefined ? '' : `peak ${peak.toFixed(0)} MB over the run`,
    });
  }
  results['rss'] = { idleMb: idleRss, peakMb: Object.fromEntries(peakRss) };

  await deleteRunTopics(kafka, runId).catch(() => undefined);
  const file = writeReport({
    runId,
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    machine: { cpus: cpus().length, node: process.version },
    settings,
    rows,
    results,
  });
  process.stdout.write(
    `\nReclaim benchmark, run ${runId} (${startedAt.toISOString()})\n${table(rows)}\nWritten to ${file}\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
