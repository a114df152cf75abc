import { randomUUID } from 'node:crypto';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { ConsumerGroups, Contracts, Topics, deadLetterTopicSpec, type ConsumerGroupId } from '@reclaim/contracts';
import { provisionTopics } from '@reclaim/kafka';
import {
  SmtpCapture,
  collectTopics,
  createTestDatabase,
  freePort,
  pollUntil,
  reservePorts,
  startServices,
  testKafka,
  uniquePrefix,
  type TestDatabase,
} from '@reclaim/testing';

/**
 * PostgreSQL goes away for several seconds under traffic (docs/reliability.md, ADR 0003). The
 * services reach PostgreSQL through a TCP proxy in this test; cutting it destroys every open
 * connection and refuses new ones (the port stops listening), restoring it listens again. The
 * machine's server is never touched. RECOVERY_TIME_SCALE=0.0003: checkout idle 15 min = 0.27 s,
 * email 1 at 1 h = 1.1 s after the abandonment.
 */
const SCALE = 0.0003;
const KEY = 'outage-store-key-0001';
const SERVICES = ['ingestion', 'segmentation', 'scheduler', 'email'] as const;
type Service = (typeof SERVICES)[number];
const CUT_MS = 8_000;
const CARTS_BEFORE = 30;
const CARTS_DURING = 10;

jest.setTimeout(240_000);

/** A TCP proxy to PostgreSQL that can be cut (open sockets destroyed, port closed) and restored. */
class CuttableProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(
    private readonly target: { host: string; port: number },
    readonly stats = { connections: 0, destroyed: 0 },
  ) {}

  async start(): Promise<void> {
    this.port ||= await freePort();
    const server = createServer((client) => {
      this.stats.connections++;
      const upstream = createConnection(this.target);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.server = server;
  }

  /** Every open connection is reset and the port refuses new ones. */
  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    this.stats.destroyed += this.sockets.size;
    for (const s of this.sockets) s.destroy();
    await closed;
  }

  async restore(): Promise<void> {
    await this.start();
  }

  async stop(): Promise<void> {
    await this.cut();
  }
}

interface HealthSample {
  at: number;
  service: Service;
  ready: number;
  live: number;
  body: string;
}

describe('PostgreSQL outage under traffic: delayed, never lost, never doubled, never dead-lettered', () => {
  const smtp = new SmtpCapture();
  let system: Awaited<ReturnType<typeof startServices>> | undefined;
  let db: TestDatabase;
  let proxy: CuttableProxy;
  let ports: Record<Service, number>;
  let ingestion: string;
  let observed: Awaited<ReturnType<typeof collectTopics>>;
  const deadLetterTopics: string[] = [];

  beforeAll(async () => {
    const prefix = uniquePrefix('pg-outage');
    const { kafka } = testKafka(prefix);
    await provisionTopics(kafka, prefix);
    db = await createTestDatabase('pg-outage');
    const direct = new URL(db.url);
    proxy = new CuttableProxy({ host: direct.hostname, port: Number(direct.port || 5432) });
    await proxy.start();
    const viaProxy = new URL(db.url);
    viaProxy.hostname = '127.0.0.1';
    viaProxy.port = String(proxy.port);
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
      KAFKA_BROKERS: process.env['KAFKA_BROKERS'] ?? '',
      KAFKA_TOPIC_PREFIX: prefix,
      DATABASE_URL: viaProxy.toString(),
      SMTP_URL: smtp.url,
      INGESTION_API_KEYS: `outage-store:${KEY}`,
      INGESTION_INSTANCE_ID: `outage-${randomUUID().slice(0, 8)}`,
      RECOVERY_TIME_SCALE: String(SCALE),
      RECOVERY_HOLDOUT_PERCENT: '0',
      RESUME_LINK_SECRET: 'outage-resume-secret',
      PUBLIC_BASE_URL: ingestion,
      EMAIL_PUBLIC_URL: `http://127.0.0.1:${ports.email}`,
      LOG_LEVEL: 'info',
    });
  });

  afterAll(async () => {
    await system?.stopAll();
    await observed?.stop();
    await smtp.stop();
    await proxy?.stop();
    await db?.drop();
  });

  const cart = (n: number) => {
    const cartId = `cart-${n}-${randomUUID().slice(0, 6)}`;
    const email = `shopper-${n}-${randomUUID().slice(0, 6)}@example.com`;
    const customer = { id: `cust-${cartId}`, email, firstName: 'Ada', ordersCount: 0, timezone: 'Europe/Paris' };
    const items = [{ sku: 'LS-1', productId: 'p-ls', title: 'Linen Shirt', quantity: 1, unitPrice: 4900 }];
    const at = new Date().toISOString();
    return {
      cartId,
      email,
      events: [
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
      ],
    };
  };

  const ingestionAnswers = new Set<number>();

  /** Posts like a storefront does: a 5xx or a refused connection is retried with the same ids. */
  const postUntilAccepted = async (events: unknown[]): Promise<{ attempts: number }> => {
    let attempts = 0;
    await pollUntil(
      async () => {
        attempts++;
        const res = await fetch(`${ingestion}/v1/events`, {
          method: 'POST',
          headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
          body: JSON.stringify({ events }),
        });
        if (res.status !== 202) ingestionAnswers.add(res.status);
        if (res.status >= 400 && res.status < 500) throw new Error(`refused: ${res.status} ${await res.text()}`);
        return res.status === 202;
      },
      { timeoutMs: 90_000, intervalMs: 250, description: 'ingestion to accept the batch' },
    );
    return { attempts };
  };

  const sampleHealth = async (service: Service): Promise<HealthSample> => {
    const get = async (path: string) => {
      const res = await fetch(`http://127.0.0.1:${ports[service]}${path}`, { signal: AbortSignal.timeout(5_000) });
      return { status: res.status, body: await res.text() };
    };
    const unreachable = (error: unknown) => ({ status: 0, body: String(error) });
    const [ready, live] = await Promise.all([
      get('/health/ready').catch(unreachable),
      get('/health/live').catch(unreachable),
    ]);
    return { at: Date.now(), service, ready: ready.status, live: live.status, body: ready.body };
  };

  const abandonmentsOf = (cartId: string) =>
    observed.records
      .filter(
        (r) => r.topic.endsWith(Topics.abandonments.name) && r.headers['ce_type'] === Contracts.abandonment.ceType,
      )
      .map((r) => r.value as { cartId?: string; plan?: Array<{ touchId: string; channel: string; sequence: number }> })
      .filter((a) => a.cartId === cartId);

  const deliveries = () =>
    observed.records
      .filter((r) => r.topic.endsWith(Topics.deliveries.name))
      .map((r) => r.value as { touchId: string; cartId: string; status: string; sequence?: number });

  it('delays every cart across an 8 s cut, loses none, doubles none, dead-letters none; readiness follows', async () => {
    const before = Array.from({ length: CARTS_BEFORE }, (_, i) => cart(i));
    const during = Array.from({ length: CARTS_DURING }, (_, i) => cart(CARTS_BEFORE + i));

    // Health is sampled all along: red readiness must be seen during the cut, never a red liveness.
    const samples: HealthSample[] = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        samples.push(...(await Promise.all(SERVICES.map((s) => sampleHealth(s)))));
        await new Promise((r) => setTimeout(r, 200));
      }
    })();
    try {
      await outageUnderTraffic(before, during, samples);
    } finally {
      sampling = false;
      await sampler;
    }
  });

  async function outageUnderTraffic(
    before: Array<ReturnType<typeof cart>>,
    during: Array<ReturnType<typeof cart>>,
    samples: HealthSample[],
  ): Promise<void> {
    // One batch of 60 events, then the cut at once: segmentation is working through it.
    await postUntilAccepted(before.flatMap((c) => c.events));
    const cutAt = Date.now();
    await proxy.cut();
    const posting = Promise.all(during.map((c) => postUntilAccepted(c.events)));
    await pollUntil(() => Date.now() - cutAt >= CUT_MS, { intervalMs: 250, description: 'the cut to last' });
    const restoredAt = Date.now();
    await proxy.restore();
    const attempts = await posting;

    // Every cart: its abandonment and its first email, after the outage.
    const all = [...before, ...during];
    await pollUntil(() => all.every((c) => smtp.to(c.email).length >= 1), {
      timeoutMs: 90_000,
      intervalMs: 500,
      description: 'a first email to every shopper',
    });
    const firstTouches = await pollUntil(
      () => {
        const touches = all.map((c) => {
          const [abandonment] = abandonmentsOf(c.cartId);
          const email = abandonment?.plan?.filter((t) => t.channel === 'email') ?? [];
          return email.sort((a, b) => a.sequence - b.sequence)[0]?.touchId;
        });
        const sent = new Set(
          deliveries()
            .filter((d) => d.status === 'sent')
            .map((d) => d.touchId),
        );
        return touches.every((t) => t !== undefined && sent.has(t)) ? touches : undefined;
      },
      { timeoutMs: 60_000, description: 'a sent delivery for every first touch' },
    );
    expect(firstTouches).toHaveLength(all.length);
    await pollUntil(
      async () => (await Promise.all(SERVICES.map((s) => sampleHealth(s)))).every((h) => h.ready === 200),
      { timeoutMs: 60_000, description: 'every service ready again' },
    );

    // Nothing lost or doubled: one abandonment per cart; each touch sent at most once, one outcome
    // per touch (clicks aside), and as many mails per shopper as sent touches.
    for (const c of all)
      expect({ cart: c.cartId, abandonments: abandonmentsOf(c.cartId).length }).toEqual({
        cart: c.cartId,
        abandonments: 1,
      });
    const outcomes = new Map<string, string[]>();
    for (const d of deliveries().filter((x) => x.status !== 'clicked')) {
      outcomes.set(d.touchId, [...(outcomes.get(d.touchId) ?? []), d.status]);
    }
    const doubled = [...outcomes].filter(([, statuses]) => statuses.length > 1);
    expect(doubled).toEqual([]);
    for (const c of all) {
      const sent = deliveries().filter((d) => d.cartId === c.cartId && d.status === 'sent').length;
      expect({ shopper: c.email, mails: smtp.to(c.email).length }).toEqual({ shopper: c.email, mails: sent });
    }

    // Ingestion turned the batches posted during the cut away as "retry later", never as an error.
    expect([...ingestionAnswers]).toEqual([503]);

    // Nothing dead-lettered.
    expect(observed.records.filter((r) => deadLetterTopics.includes(r.topic)).map((r) => r.headers)).toEqual([]);

    // Readiness: red during the cut for every service, green after; liveness green throughout.
    const inCut = samples.filter((s) => s.at > cutAt + 500 && s.at < restoredAt);
    for (const service of SERVICES) {
      expect({ service, notReadyDuringCut: inCut.some((s) => s.service === service && s.ready === 503) }).toEqual({
        service,
        notReadyDuringCut: true,
      });
    }
    expect(samples.filter((s) => s.live !== 200)).toEqual([]);
    // A consumer said it was waiting for the database (not only the Postgres probe).
    expect(inCut.some((s) => /waiting for a dependency/.test(s.body))).toBe(true);

    const report = {
      carts: all.length,
      cutMs: restoredAt - cutAt,
      connectionsReset: proxy.stats.destroyed,
      postsRetriedDuringCut: attempts.reduce((n, a) => n + a.attempts - 1, 0),
      mailsSent: all.reduce((n, c) => n + smtp.to(c.email).length, 0),
      touchesSent: deliveries().filter((d) => d.status === 'sent').length,
      deadLetters: 0,
    };
    process.stderr.write(`[postgres-outage] ${JSON.stringify(report)}\n`);
  }
});
