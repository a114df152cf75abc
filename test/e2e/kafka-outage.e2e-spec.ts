import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { ConsumerGroups, Contracts, Topics, deadLetterTopicSpec, type ConsumerGroupId } from '@reclaim/contracts';
import { parseRetryAfter } from '@reclaim/core';
import { createKafka, provisionTopics } from '@reclaim/kafka';
import {
  REPO_ROOT,
  SmtpCapture,
  collectTopics,
  createTestDatabase,
  pollUntil,
  reservePorts,
  startServices,
  uniquePrefix,
  type ConsumedRecord,
  type TestDatabase,
} from '@reclaim/testing';

/**
 * The Kafka broker goes away under traffic (docs/reliability.md, ADR 0003), twice: first it hangs
 * (SIGSTOP: connections stay open, nothing answers), then it crashes (SIGKILL) and comes back on
 * the same address with the same data (tools/kafka/broker.mjs restart). The broker is a private one
 * with its own data directory: the shared broker is never touched. Ingestion, segmentation,
 * scheduler and email run as processes against it; RECOVERY_TIME_SCALE=0.0003 (checkout idle
 * 15 min = 0.27 s, email 1 at 1 h = 1.1 s after the abandonment); ingestion's deadline is 3 s.
 * Services and observer dedupe nothing for the test: records are counted by distinct ce_id, and a
 * record the observer read twice (same offset) once.
 *
 * Checked to fail: with ingestion committing its id claim although the Kafka transaction was given
 * up, 13 of 56 accepted carts never got an abandonment (both faults); without the Kafka readiness
 * check, ingestion stayed ready through both faults. Dead-lettering retriable errors in
 * RecordConsumer is NOT caught: a 9–15 s outage never reaches a handler as an error (kafkajs'
 * retries, about 20 s, and its 30 s request timeout absorb it), and the dead-letter topic is on the
 * same broker.
 */
const SCALE = 0.0003;
const KEY = 'kafka-outage-store-key-01';
const SERVICES = ['ingestion', 'segmentation', 'scheduler', 'email'] as const;
type Service = (typeof SERVICES)[number];
const STOP_MS = 9_000;
const CARTS_BEFORE = 20;
const CARTS_DURING = 8;
const BUYERS = 2;
const INGESTION_DEADLINE_MS = 3_000;

jest.setTimeout(300_000);

const run = promisify(execFile);

interface HealthSample {
  at: number;
  service: Service;
  ready: number;
  live: number;
  /** The readiness checks that were down (terminus' `error` keys). */
  down: string[];
}

interface Shopper {
  cartId: string;
  email: string;
  buys: boolean;
  events: unknown[];
}

interface FaultReport {
  fault: string;
  carts: number;
  buyers: number;
  downMs: number;
  answers503: number;
  hung: number;
  refusals: Record<string, number>;
  /** From the end of the fault until every first touch was sent and every service ready. */
  caughtUpMs: number;
  /** Readiness checks seen down during the fault, with the services that reported them. */
  notReadyBy: Record<string, string[]>;
}

describe('Kafka broker outage under traffic: delayed, never lost, never doubled, never dead-lettered', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'reclaim-kafka-outage-'));
  const brokerEnv = (): NodeJS.ProcessEnv => {
    const { KAFKA_BROKERS: _shared, ...rest } = process.env;
    return { ...rest, KAFKA_DATA_DIR: dataDir, KAFKA_HEAP_OPTS: '-Xms256m -Xmx256m' };
  };
  const broker = async (cmd: 'start' | 'restart' | 'stop'): Promise<string> => {
    const { stdout } = await run(process.execPath, [resolve(REPO_ROOT, 'tools/kafka/broker.mjs'), cmd], {
      cwd: REPO_ROOT,
      env: brokerEnv(),
      maxBuffer: 10 << 20,
    });
    return stdout;
  };
  const brokerPid = (): number =>
    (JSON.parse(readFileSync(join(dataDir, 'state.json'), 'utf8')) as { pid: number }).pid;

  const smtp = new SmtpCapture();
  let system: Awaited<ReturnType<typeof startServices>> | undefined;
  let db: TestDatabase | undefined;
  let ports: Record<Service, number>;
  let ingestion: string;
  let observed: Awaited<ReturnType<typeof collectTopics>> | undefined;
  let stoppedPid: number | undefined;
  const deadLetterTopics: string[] = [];
  const samples: HealthSample[] = [];
  const reports: FaultReport[] = [];

  beforeAll(async () => {
    const brokers = /KAFKA_BROKERS=(\S+)/.exec(await broker('start'))?.[1];
    if (!brokers) throw new Error('the private broker printed no KAFKA_BROKERS line');
    const prefix = uniquePrefix('kafka-outage');
    const kafka = createKafka({ brokers: [brokers], clientId: 'reclaim-kafka-outage-spec', topicPrefix: prefix });
    await provisionTopics(kafka, prefix);
    db = await createTestDatabase('kafka-outage');
    await smtp.start();
    for (const group of Object.keys(ConsumerGroups) as ConsumerGroupId[])
      deadLetterTopics.push(prefix + deadLetterTopicSpec(group).name);
    observed = await collectTopics(kafka, [
      prefix + Topics.deliveries.name,
      prefix + Topics.abandonments.name,
      ...deadLetterTopics,
    ]);
    ports = await reservePorts(SERVICES);
    ingestion = `http://127.0.0.1:${ports.ingestion}`;
    system = await startServices(ports, {
      KAFKA_BROKERS: brokers,
      KAFKA_TOPIC_PREFIX: prefix,
      DATABASE_URL: db.url,
      SMTP_URL: smtp.url,
      INGESTION_API_KEYS: `kafka-outage-store:${KEY}`,
      INGESTION_INSTANCE_ID: `kafka-outage-${randomUUID().slice(0, 8)}`,
      INGESTION_KAFKA_TIMEOUT_MS: String(INGESTION_DEADLINE_MS),
      RECOVERY_TIME_SCALE: String(SCALE),
      // A touch is skipped `expired` TOUCH_MAX_AGE after it was due; the default day is 26 s at this
      // scale, less than a crash and its catch-up, and would turn a delay into a skip.
      TOUCH_MAX_AGE: '30d',
      RECOVERY_HOLDOUT_PERCENT: '0',
      RESUME_LINK_SECRET: 'kafka-outage-resume-secret',
      PUBLIC_BASE_URL: ingestion,
      EMAIL_PUBLIC_URL: `http://127.0.0.1:${ports.email}`,
      LOG_LEVEL: 'info',
    });
  }, 240_000);

  afterAll(async () => {
    if (stoppedPid) process.kill(stoppedPid, 'SIGCONT');
    await system?.stopAll();
    await observed?.stop().catch(() => undefined);
    await smtp.stop();
    await db?.drop();
    await broker('stop').catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
    if (reports.length > 0) {
      const mails = smtp.mails.length;
      process.stderr.write(
        `[kafka-outage] ${JSON.stringify({ faults: reports, mailsSent: mails, ...totals(), deadLetters: deadLetters().length })}\n`,
      );
    }
  }, 120_000);

  // --- traffic -------------------------------------------------------------------------------

  let shopperNo = 0;
  const shopper = (buys: boolean): Shopper => {
    const n = shopperNo++;
    const cartId = `cart-${n}-${randomUUID().slice(0, 6)}`;
    const email = `shopper-${n}-${randomUUID().slice(0, 6)}@example.com`;
    const customer = { id: `cust-${cartId}`, email, firstName: 'Ada', ordersCount: 0, timezone: 'Europe/Paris' };
    const items = [{ sku: 'LS-1', productId: 'p-ls', title: 'Linen Shirt', quantity: 1, unitPrice: 4900 }];
    const at = new Date().toISOString();
    const events: unknown[] = [
      { id: `${cartId}-1`, type: 'cart.updated', occurredAt: at, cartId, customer, cart: { currency: 'EUR', items } },
      {
        id: `${cartId}-2`,
        type: 'checkout.started',
        occurredAt: at,
        cartId,
        customer,
        cart: { currency: 'EUR', items },
        checkout: { step: 'contact' },
      },
    ];
    if (buys)
      events.push({
        id: `${cartId}-order`,
        type: 'order.completed',
        occurredAt: at,
        cartId,
        customer,
        order: { id: `o-${cartId}`, total: 4900, currency: 'EUR' },
      });
    return { cartId, email, buys, events };
  };

  /**
   * Posts like a storefront does: a 503 is retried with the same ids, after its Retry-After (as
   * docs/EVENTS.md asks), until a 202. Anything else (another status, or no answer within the
   * deadline plus 5 s: a hang) is counted against it. A client that ignored Retry-After would
   * also meet the store's rate limit (429) during a long outage.
   */
  const postUntilAccepted = async (events: unknown[], report: FaultReport): Promise<void> => {
    await pollUntil(
      async () => {
        const res = await fetch(`${ingestion}/v1/events`, {
          method: 'POST',
          headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
          body: JSON.stringify({ events }),
          signal: AbortSignal.timeout(INGESTION_DEADLINE_MS + 5_000),
        }).catch((error: unknown) => {
          report.hung++;
          throw error;
        });
        if (res.status === 202) return true;
        const body = (await res.json().catch(() => ({}))) as { error?: string };
        const reason = `${res.status} ${body.error ?? ''}`.trim();
        report.refusals[reason] = (report.refusals[reason] ?? 0) + 1;
        if (res.status === 503) report.answers503++;
        const wait = parseRetryAfter(res.headers.get('retry-after') ?? undefined, new Date()) ?? 1_000;
        await new Promise((r) => setTimeout(r, Math.min(wait, 5_000)));
        return false;
      },
      { timeoutMs: 120_000, intervalMs: 250, description: 'ingestion to accept the batch' },
    );
  };

  // --- what the services published (the observer may re-read after a fault: one copy per offset)

  const records = (suffix: string): ConsumedRecord[] => {
    const seen = new Set<string>();
    return (observed?.records ?? []).filter((r) => {
      const at = `${r.topic}/${r.partition}@${r.offset}`;
      if (!r.topic.endsWith(suffix) || seen.has(at)) return false;
      seen.add(at);
      return true;
    });
  };
  const deadLetters = () =>
    (observed?.records ?? []).filter((r) => deadLetterTopics.includes(r.topic)).map((r) => r.headers);
  type Abandonment = {
    abandonmentId: string;
    cartId: string;
    plan?: Array<{ touchId: string; channel: string; sequence: number }>;
  };
  const abandonments = () =>
    records(Topics.abandonments.name)
      .filter((r) => r.headers['ce_type'] === Contracts.abandonment.ceType)
      .map((r) => ({ id: r.headers['ce_id'] ?? '', value: r.value as Abandonment }));
  type Delivery = { deliveryId: string; touchId: string; cartId: string; status: string; reason?: string };
  const deliveries = () =>
    records(Topics.deliveries.name).map((r) => ({ id: r.headers['ce_id'] ?? '', value: r.value as Delivery }));

  /** Distinct ids: a record republished with its id (at-least-once) is one outcome, counted apart. */
  const totals = () => {
    const a = abandonments();
    const d = deliveries();
    const distinctAbandonments = new Set(a.map((x) => x.id)).size;
    const distinctDeliveries = new Set(d.map((x) => x.id)).size;
    return {
      abandonments: distinctAbandonments,
      touchesSent: new Set(d.filter((x) => x.value.status === 'sent').map((x) => x.id)).size,
      republishedCopies: a.length - distinctAbandonments + (d.length - distinctDeliveries),
    };
  };

  // --- health, sampled all along -------------------------------------------------------------

  const sampleHealth = async (service: Service): Promise<HealthSample> => {
    const at = Date.now();
    type Answer = { status: number; body: { error?: object } };
    const get = (path: string): Promise<Answer> =>
      fetch(`http://127.0.0.1:${ports[service]}${path}`, { signal: AbortSignal.timeout(5_000) }).then(
        async (res) => ({ status: res.status, body: (await res.json().catch(() => ({}))) as Answer['body'] }),
        () => ({ status: 0, body: {} }),
      );
    const [ready, live] = await Promise.all([get('/health/ready'), get('/health/live')]);
    return { at, service, ready: ready.status, live: live.status, down: Object.keys(ready.body.error ?? {}) };
  };
  const allReady = async () => (await Promise.all(SERVICES.map(sampleHealth))).every((h) => h.ready === 200);

  // --- one fault under traffic, and what must hold after it ----------------------------------

  async function faultUnderTraffic(
    fault: string,
    inject: () => Promise<void>,
    heal: (downSince: number) => Promise<void>,
  ): Promise<FaultReport> {
    const report: FaultReport = {
      fault,
      carts: 0,
      buyers: 0,
      downMs: 0,
      answers503: 0,
      hung: 0,
      refusals: {},
      caughtUpMs: 0,
      notReadyBy: {},
    };
    reports.push(report);
    const before = [...Array.from({ length: CARTS_BEFORE }, () => shopper(false)), shopper(true)];
    const during = [...Array.from({ length: CARTS_DURING }, () => shopper(false)), shopper(true)];
    const all = [...before, ...during];
    report.carts = all.filter((s) => !s.buys).length;
    report.buyers = BUYERS;
    await pollUntil(allReady, { timeoutMs: 60_000, description: 'every service ready before the fault' });

    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        samples.push(...(await Promise.all(SERVICES.map(sampleHealth))));
        await new Promise((r) => setTimeout(r, 200));
      }
    })();
    let downAt = 0;
    let upAt = 0;
    try {
      // One batch, then the fault at once: segmentation, scheduler and email are working through it.
      await postUntilAccepted(
        before.flatMap((s) => s.events),
        report,
      );
      downAt = Date.now();
      await inject();
      const posting = Promise.all(during.map((s) => postUntilAccepted(s.events, report)));
      await heal(downAt);
      upAt = Date.now();
      report.downMs = upAt - downAt;
      await posting;

      // Every abandoned cart: its abandonment and its first email, sent.
      const carts = all.filter((s) => !s.buys);
      await pollUntil(() => carts.every((s) => smtp.to(s.email).length >= 1), {
        timeoutMs: 120_000,
        intervalMs: 500,
        description: 'a first email to every abandoned cart',
      });
      await pollUntil(
        () => {
          const sent = new Set(
            deliveries()
              .filter((d) => d.value.status === 'sent')
              .map((d) => d.value.touchId),
          );
          return carts.every((s) => {
            const abandonment = abandonments().find((a) => a.value.cartId === s.cartId);
            const first = abandonment?.value.plan
              ?.filter((t) => t.channel === 'email')
              .sort((a, b) => a.sequence - b.sequence)[0];
            return first !== undefined && sent.has(first.touchId);
          });
        },
        { timeoutMs: 60_000, description: 'a sent delivery for every first touch' },
      );
      await pollUntil(allReady, { timeoutMs: 60_000, description: 'every service ready again' });
      report.caughtUpMs = Date.now() - upAt;
    } finally {
      sampling = false;
      await sampler;
    }

    // Nothing lost or doubled: one abandonment per abandoned cart (distinct ids: a republished
    // copy is the same abandonment), every touch at most one outcome, as many mails per shopper
    // as sent touches (later touches may be on their way: wait until the two agree).
    for (const s of all.filter((x) => !x.buys)) {
      const ids = new Set(
        abandonments()
          .filter((a) => a.value.cartId === s.cartId)
          .map((a) => a.id),
      );
      expect({ cart: s.cartId, abandonments: ids.size }).toEqual({ cart: s.cartId, abandonments: 1 });
    }
    const outcomes = new Map<string, Set<string>>();
    for (const d of deliveries().filter((x) => x.value.status !== 'clicked'))
      outcomes.set(d.value.touchId, (outcomes.get(d.value.touchId) ?? new Set()).add(d.id));
    expect([...outcomes].filter(([, ids]) => ids.size > 1)).toEqual([]);
    const mailsVsSent = () =>
      all.map((s) => ({
        shopper: s.email,
        mails: smtp.to(s.email).length,
        sent: new Set(
          deliveries()
            .filter((d) => d.value.cartId === s.cartId && d.value.status === 'sent')
            .map((d) => d.id),
        ).size,
      }));
    await pollUntil(() => mailsVsSent().every((m) => m.mails === m.sent), {
      timeoutMs: 30_000,
      intervalMs: 500,
      description: 'mails per shopper to equal their sent touches',
    }).catch(() => undefined);
    expect(mailsVsSent().filter((m) => m.mails !== m.sent)).toEqual([]);
    // A buyer is never mailed: the order, accepted with the cart, reached the suppressions.
    for (const s of all.filter((x) => x.buys)) {
      expect({ buyer: s.email, mails: smtp.to(s.email).length }).toEqual({ buyer: s.email, mails: 0 });
      const sent = deliveries().filter((d) => d.value.cartId === s.cartId && d.value.status === 'sent');
      expect(sent).toEqual([]);
    }

    // Ingestion said "retry later" (503) while it could not reach Kafka: no other error, no hang.
    expect({ hung: report.hung, refusals: Object.keys(report.refusals).filter((r) => !r.startsWith('503')) }).toEqual({
      hung: 0,
      refusals: [],
    });
    expect(report.answers503).toBeGreaterThan(0);

    // Nothing dead-lettered.
    expect(deadLetters()).toEqual([]);

    // Readiness red during the fault for every service, green after; liveness green throughout.
    const inFault = samples.filter((s) => s.at > downAt + 500 && s.at < upAt);
    for (const s of inFault)
      for (const check of s.down)
        report.notReadyBy[check] = [...new Set([...(report.notReadyBy[check] ?? []), s.service])].sort();
    for (const service of SERVICES)
      expect({ service, notReadyDuringFault: inFault.some((s) => s.service === service && s.ready === 503) }).toEqual({
        service,
        notReadyDuringFault: true,
      });
    expect(samples.filter((s) => s.live !== 200)).toEqual([]);
    return report;
  }

  it('a hung broker (SIGSTOP for 9 s): ingestion answers 503, services not ready, all caught up after', async () => {
    await faultUnderTraffic(
      'broker SIGSTOP',
      () => {
        stoppedPid = brokerPid();
        process.kill(stoppedPid, 'SIGSTOP');
        return Promise.resolve();
      },
      async (downAt) => {
        await pollUntil(() => Date.now() - downAt >= STOP_MS, { intervalMs: 250, description: 'the stop to last' });
        if (stoppedPid) process.kill(stoppedPid, 'SIGCONT');
        stoppedPid = undefined;
      },
    );
  });

  it('a crashed broker (SIGKILL, restarted on the same address with its data): the same', async () => {
    await faultUnderTraffic(
      'broker SIGKILL + restart',
      () => {
        process.kill(brokerPid(), 'SIGKILL');
        return Promise.resolve();
      },
      async () => {
        await broker('restart');
      },
    );
  });
});
