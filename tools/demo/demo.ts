import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Contracts, Topics } from '@reclaim/contracts';
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
    const res = await fetch(link, { redirect: 'manual' }).catch(() => undefined);
    if (res?.status === 302) clicked++;
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
  const deliveries: Array<{ cartId: string; status: string; sequence?: number; reason?: string }> = [];
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
        posted.push(post(s.order()));
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
  const sentTo = (s: Shopper) => deliveries.filter((d) => d.cartId === s.cartId && d.status === 'sent').length;
  const byKind = (kind: Shopper['kind']) => shoppers.filter((s) => s.kind === kind).reduce((n, s) => n + sentTo(s), 0);
  const mostAfterOrder = Math.max(0, ...late.map(sentTo));
  process.stdout.write(`
\x1b[1mWhat happened\x1b[0m
  shoppers replayed ............................ ${shoppers.length}
  abandonments detected ........................ ${abandonments.length} (checkout ${abandonments.filter((a) => a.stage === 'checkout').length}, cart ${abandonments.filter((a) => a.stage === 'cart').length})
  held out (measured, never contacted) ......... ${abandonments.length - treated.length}
  emails sent .................................. ${count('sent')}
  touches cancelled (order completed etc.) ..... ${count('cancelled')}
  touches skipped (with reason) ................ ${count('skipped')}
  resume links clicked ......................... ${count('clicked')}
  emails to shoppers who bought before a reminder: ${byKind('buys-before-reminder')}
  most emails to a shopper who bought after email 1: ${mostAfterOrder}

  Read the emails: ${process.env['MAILDEV_WEB_URL'] ?? 'your SMTP server'}${process.env['MAILDEV_WEB_URL'] ? ' (the inbox closes with the demo; run `npm run dev` to keep it open)' : ''}
  Service logs: .local/demo-logs/
`);
  await consumer.disconnect();
  stopAll();
  await Promise.all(children.filter((c) => c.exitCode === null).map((c) => new Promise((r) => c.once('exit', r))));
}

main().catch((error: unknown) => {
  process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
  stopAll(); // never leave the services running
  process.exitCode = 1;
  setTimeout(() => process.exit(1), 5_000).unref();
});
