import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Contracts, dashboardLinkToken, Topics } from '@reclaim/contracts';
import { parseSigningKeys } from '@reclaim/core';
import { createKafka, silenceKafkajsTimerWarning } from '@reclaim/kafka';
import { postEvents } from '@reclaim/testing';
import { sampleShoppers, type Shopper } from './sample-traffic';

/**
 * `npm run demo`: starts the seven services (commands given as arguments), replays sample
 * shopper traffic at a compressed RECOVERY_TIME_SCALE, and prints what happened.
 */
const ROOT = resolve(__dirname, '../../..');
const SERVICES = ['ingestion', 'segmentation', 'scheduler', 'email', 'sms', 'push', 'attribution'];
const scale = Number(process.env['RECOVERY_TIME_SCALE'] ?? '0.0002');
const HOUR = 3_600_000 * scale;
const ingestionPort = Number(process.env['INGESTION_PORT'] ?? 3000);
const ingestion = `http://127.0.0.1:${ingestionPort}`;
const apiKey = (process.env['INGESTION_API_KEYS'] ?? '').split(',')[0]?.split(':').slice(1).join(':') ?? '';
const portOf = (service: string, index: number) => Number(process.env[`${service.toUpperCase()}_PORT`] ?? 3000 + index);
const attributionPort = Number(process.env['ATTRIBUTION_PORT'] ?? 3006);
const attribution = `http://127.0.0.1:${attributionPort}`;
const storeId = (process.env['INGESTION_API_KEYS'] ?? '').split(',')[0]?.split(':')[0] ?? '';
const reportsKey = (process.env['REPORTS_API_KEYS'] ?? '').split(',')[0]?.split(':').slice(1).join(':') ?? '';
const say = (msg: string) => process.stdout.write(`\x1b[1m[demo]\x1b[0m ${msg}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitHealthy(service: string, port: number, child: ChildProcess, logFile: string): Promise<void> {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${service} exited (${child.exitCode}); see ${logFile}`);
    const ok = await fetch(`http://127.0.0.1:${port}/health`)
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) return;
    await sleep(300);
  }
  throw new Error(`${service} did not become healthy; see ${logFile}`);
}

/** Batches ingestion turned away for now (503, 429) and the demo sent again, as a store should. */
let retriedBatches = 0;

/** Posts a batch as a store should: a 503 or 429 is sent again with the same ids after its Retry-After. */
async function post(events: unknown[]): Promise<{ status: number; body: unknown }> {
  const { status, body, attempts } = await postEvents(ingestion, apiKey, events, { attempts: 10, maxWaitMs: 5_000 });
  retriedBatches += attempts - 1;
  return { status, body };
}

/** Opens a few resume links from the local inbox (maildev's REST API), as shoppers would. */
async function clickSomeResumeLinks(count: number): Promise<number> {
  const inbox = process.env['MAILDEV_WEB_URL'];
  if (!inbox) return 0;
  // maildev 3 serves its REST API under /api (GET /api/email lists the whole inbox).
  const res = await fetch(`${inbox}/api/email`);
  if (!res.ok) throw new Error(`the inbox at ${inbox} answered ${res.status} to GET /api/email`);
  const body: unknown = await res.json();
  if (!Array.isArray(body)) throw new Error(`the inbox at ${inbox} did not list its emails`);
  const mails = body as Array<{ text?: string }>;
  let clicked = 0;
  for (const mail of mails) {
    const link = /https?:\/\/[^\s]+\/r\/[A-Za-z0-9_.-]+/.exec(mail.text ?? '')?.[0];
    if (!link || clicked >= count) continue;
    // The demo store lands on Reclaim's own cart page (200); a store's own cart page is a 302.
    const res = await fetch(link, { redirect: 'manual' }).catch(() => undefined);
    if (res?.status === 302 || res?.status === 200) clicked++;
  }
  return clicked;
}

const children: ChildProcess[] = [];
const stopAll = () => children.forEach((c) => c.exitCode === null && c.kill('SIGTERM'));

async function main(): Promise<void> {
  silenceKafkajsTimerWarning();
  const commands = process.argv.slice(2);
  const logDir = resolve(ROOT, '.local/demo-logs');
  mkdirSync(logDir, { recursive: true });
  process.on('SIGINT', () => {
    say('stopping the services');
    stopAll();
    process.exit(130);
  });

  say(
    `starting ${SERVICES.length} services (logs in .local/demo-logs/), RECOVERY_TIME_SCALE=${scale}: 1 h = ${(HOUR / 1000).toFixed(2)} s`,
  );
  await Promise.all(
    commands.map(async (command, i) => {
      const service = SERVICES[i] ?? `service-${i}`;
      const logFile = resolve(logDir, `${service}.log`);
      const out = createWriteStream(logFile);
      const [bin, ...args] = command.split(' ');
      const child = spawn(bin ?? 'node', args, { cwd: ROOT, env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout.pipe(out);
      child.stderr.pipe(out);
      children.push(child);
      await waitHealthy(service, portOf(service, i), child, logFile);
    }),
  );
  say('all services healthy');

  const runId = randomBytes(3).toString('hex');
  const shoppers = sampleShoppers(24, runId);
  const kafka = createKafka({
    brokers: (process.env['KAFKA_BROKERS'] ?? '').split(','),
    clientId: 'reclaim-demo',
    topicPrefix: process.env['KAFKA_TOPIC_PREFIX'] ?? '',
  });
  const prefix = process.env['KAFKA_TOPIC_PREFIX'] ?? '';
  const deliveries: Array<{ cartId: string; status: string; sequence?: number; reason?: string; handoffAt?: string }> =
    [];
  /** When each cart's order was acknowledged (202): no hand-off for that cart may start after it. */
  const acknowledged = new Map<string, number>();
  const abandonments: Array<{ cartId: string; holdout: boolean; stage: string }> = [];
  const consumer = kafka.consumer({ groupId: `reclaim-demo-${runId}` });
  await consumer.connect();
  await consumer.subscribe({
    topics: [prefix + Topics.deliveries.name, prefix + Topics.abandonments.name],
    fromBeginning: false,
  });
  await consumer.run({
    eachMessage: ({ topic, message }) => {
      const value = JSON.parse(message.value?.toString() ?? 'null') as Record<string, unknown>;
      if (topic.endsWith(Topics.deliveries.name)) deliveries.push(value as (typeof deliveries)[number]);
      // The abandonments topic also carries pauses (a shopper back on the cart): count abandonments only.
      else if (message.headers?.['ce_type']?.toString() === Contracts.abandonment.ceType)
        abandonments.push(value as (typeof abandonments)[number]);
      return Promise.resolve();
    },
  });
  await sleep(3_000); // let the observer join before traffic starts

  say(`replaying ${shoppers.length} shoppers`);
  const results = await Promise.all(shoppers.map((s) => post(s.events())));
  const accepted = results.reduce((n, r) => n + (r.status === 202 ? (r.body as { accepted: number }).accepted : 0), 0);
  say(
    `POST /v1/events: ${accepted} events accepted` +
      (retriedBatches > 0 ? ` (${retriedBatches} batches shed with 503 under the burst and sent again)` : ''),
  );
  const retry = await post(shoppers[0]?.events() ?? []);
  say(`a store retries a batch it already sent → ${retry.status} ${JSON.stringify(retry.body)}`);
  const bad = await post([{ id: 'bad-1', type: 'cart.updated', occurredAt: 'yesterday' }]);
  say(`a malformed event → ${bad.status} ${JSON.stringify(bad.body)}`);

  /**
   * Each shopper completes the order as soon as `ready` says so (posted at once, not after the
   * previous orders' answers: at the demo's time scale an hour is 0.72 s); returns how many did in time.
   */
  const orderWhen = async (group: Shopper[], ready: (s: Shopper) => boolean, deadline: number): Promise<number> => {
    const pending = new Set(group);
    const posted: Array<Promise<unknown>> = [];
    while (pending.size > 0 && Date.now() < deadline) {
      for (const s of [...pending].filter(ready)) {
        pending.delete(s);
        posted.push(
          post(s.order()).then((r) => {
            if (r.status === 202) acknowledged.set(s.cartId, Date.now());
          }),
        );
      }
      if (pending.size > 0) await sleep(20);
    }
    await Promise.all(posted);
    return group.length - pending.size;
  };
  const abandoned = (s: Shopper) => abandonments.some((a) => a.cartId === s.cartId);
  const heldOut = (s: Shopper) => abandonments.some((a) => a.cartId === s.cartId && a.holdout);
  const firstSent = (s: Shopper) => deliveries.some((d) => d.cartId === s.cartId && d.status === 'sent');

  // Buy once the cart is abandoned (its touches are scheduled) but before email 1 is due at 1 h.
  const buyEarly = shoppers.filter((s) => s.kind === 'buys-before-reminder');
  const early = await orderWhen(buyEarly, abandoned, Date.now() + HOUR + 20_000);
  say(`${early} shoppers completed their order after abandoning, before any reminder`);

  const late = shoppers.filter((s) => s.kind === 'buys-after-first-email');
  const lateDone = await orderWhen(late, (s) => firstSent(s) || heldOut(s), Date.now() + 6 * HOUR + 20_000);
  say(`${lateDone} shoppers completed their order after the first email`);
  const clicked = await clickSomeResumeLinks(3);
  if (clicked > 0) say(`${clicked} shoppers clicked the resume link in their email`);

  // The checkout plan's last email is at 48 h, the cart plan's at 72 h.
  const endAt = Date.now() + 74 * HOUR + 5_000;
  say(`waiting for the rest of the sequences (72 h compressed = ${((74 * HOUR) / 1000).toFixed(0)} s)…`);
  while (Date.now() < endAt) await sleep(500);

  const count = (status: string) => deliveries.filter((d) => d.status === status).length;
  const treated = abandonments.filter((a) => !a.holdout);
  // The guarantee in measured terms: a hand-off to the provider that started after the cart's order
  // was acknowledged (202) would be a broken promise. Timestamps: the channel's `handoffAt`, the 202's arrival.
  const checked = deliveries.filter((d) => d.status === 'sent' && d.handoffAt && acknowledged.has(d.cartId));
  const afterAck = checked.filter((d) => Date.parse(d.handoffAt ?? '') >= (acknowledged.get(d.cartId) ?? Infinity));
  const report = await recoveryReport();
  const link = dashboardLink();
  process.stdout.write(`
\x1b[1mWhat happened\x1b[0m
  shoppers replayed ............................ ${shoppers.length}
  abandonments detected ........................ ${abandonments.length} (checkout ${abandonments.filter((a) => a.stage === 'checkout').length}, cart ${abandonments.filter((a) => a.stage === 'cart').length})
  held out (measured, never contacted) ......... ${abandonments.length - treated.length}
  emails sent .................................. ${count('sent')}
  touches cancelled (order completed etc.) ..... ${count('cancelled')}
  touches skipped (with reason) ................ ${count('skipped')}
  resume links clicked ......................... ${count('clicked')}
  orders acknowledged .......................... ${acknowledged.size}
  hand-offs to those carts, checked by time .... ${checked.length} (${checked.length - afterAck.length} started before the order's 202)
  hand-offs after an acknowledged order: ${afterAck.length}
${report ? liftLines(report) : '  (the reports API did not answer: see .local/demo-logs/attribution.log)\n'}
  Dashboard (signed link, 12 h): ${link}
  Reports API: ${attribution.replace('127.0.0.1', 'localhost')}/v1/reports/recovery (Bearer ${reportsKey}), OpenAPI at /docs
  Read the emails: ${process.env['MAILDEV_WEB_URL'] ?? 'your SMTP server'}
  Service logs: .local/demo-logs/
`);
  await consumer.disconnect();
  if (process.env['DEMO_EXIT'] === '1') {
    stopAll();
    await Promise.all(children.filter((c) => c.exitCode === null).map((c) => new Promise((r) => c.once('exit', r))));
    return;
  }
  say('everything stays up (dashboard, inbox, APIs) until Ctrl-C');
  await new Promise(() => undefined);
}

interface ReportSummary {
  treated: { abandoned: number; recovered: number; rate: number };
  holdout: { abandoned: number; recovered: number; rate: number };
  recovered: number;
  lift: { absolute: number; ci95: [number, number]; verdictText: string };
  revenue: Record<string, { recovered: number; incremental: number }>;
}

/** The store's recovery report from the attribution service, once the demo's recoveries are decided. */
async function recoveryReport(): Promise<ReportSummary | undefined> {
  const deadline = Date.now() + 15_000;
  let last: ReportSummary | undefined;
  while (Date.now() < deadline) {
    const res = await fetch(`${attribution}/v1/reports/recovery`, {
      headers: { authorization: `Bearer ${reportsKey}` },
    }).catch(() => undefined);
    if (res?.ok) {
      const report = (await res.json()) as ReportSummary;
      // Settled when two reads a second apart agree (orders are decided shortly after they are read).
      if (last && last.recovered === report.recovered) return report;
      last = report;
    }
    await sleep(1_000);
  }
  return last;
}

function liftLines(r: ReportSummary): string {
  const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
  const pp = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)} pp`;
  const money = Object.entries(r.revenue)
    .map(([currency, v]) => {
      const f = new Intl.NumberFormat('en-GB', { style: 'currency', currency });
      const digits = f.resolvedOptions().maximumFractionDigits ?? 2;
      return `${f.format(v.recovered / 10 ** digits)} recovered (${f.format(v.incremental / 10 ** digits)} incremental)`;
    })
    .join('; ');
  return (
    `  recovered carts .............................. ${r.recovered}: treated ${r.treated.recovered}/${r.treated.abandoned} (${pct(r.treated.rate)}), hold-out ${r.holdout.recovered}/${r.holdout.abandoned} (${pct(r.holdout.rate)})\n` +
    `  lift ......................................... ${pp(r.lift.absolute)} (always-valid 95 %: ${pp(r.lift.ci95[0])} to ${pp(r.lift.ci95[1])}) — ${r.lift.verdictText}\n` +
    `  revenue ...................................... ${money || 'none yet'}\n`
  );
}

/** A signed, expiring link that signs the demo store into the dashboard (the key never in a URL). */
function dashboardLink(): string {
  const secret = parseSigningKeys(process.env['DASHBOARD_SECRET'] ?? 'dev-only-dashboard-secret');
  const token = dashboardLinkToken(storeId, secret, new Date(), 12 * 3_600_000);
  return `http://localhost:${attributionPort}/signin/${token}`;
}

main().catch((error: unknown) => {
  process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
  stopAll(); // never leave the services running
  process.exitCode = 1;
  setTimeout(() => process.exit(1), 5_000).unref();
});
