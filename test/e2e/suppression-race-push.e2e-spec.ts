import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { LocalPushServices, pollUntil, TestCertificates } from '@reclaim/testing';
import { ChannelRace, describeRace } from './channel-race';

const PROJECT = 'reclaim-race';
const SEND_PATH = `/v1/projects/${PROJECT}/messages:send`;
const CARTS = 240;

jest.setTimeout(240_000);

/**
 * The suppression guarantee for push at the shipped defaults (order ack guard 200 ms, push
 * freshness 60 ms): ingestion and the push service as processes, FCM played by the local TLS server
 * (the service trusts its CA through PUSH_EXTRA_CA_FILE; FCM URLs are configuration, so the running
 * service needs no test seam). Each cart's app token arrives as `push.subscribed` through
 * ingestion. After the 202 for an order (of the touch's cart, or the same customer's other cart),
 * no card for that cart may reach FCM; none is sent twice; each touch has one outcome.
 */
describe('push suppression guarantee under races, at the shipped defaults', () => {
  const tls = new TestCertificates();
  const services = new LocalPushServices(tls);
  const saKey = generateKeyPairSync('rsa', { modulusLength: 2048 });
  let race: ChannelRace;
  const tokenOf = (i: number) => `race-token-${i}`;
  // FCM requests by token, read incrementally (the race polls this every 20 ms): cards, and the
  // withdrawals the service sends once an order covers a card that went out.
  const cards = new Map<string, number[]>();
  const withdrawals = new Map<string, number>();
  let read = 0;
  const readRequests = () => {
    const requests = services.requestsTo(SEND_PATH);
    for (; read < requests.length; read++) {
      const r = requests[read];
      if (!r) continue;
      const { message } = JSON.parse(r.body.toString('utf8')) as {
        message: { token: string; data?: Record<string, string> };
      };
      if (message.data?.['type'] === 'reclaim.card.withdrawn')
        withdrawals.set(message.token, (withdrawals.get(message.token) ?? 0) + 1);
      else cards.set(message.token, [...(cards.get(message.token) ?? []), r.at]);
    }
  };
  const arrivalsFor = (token: string) => {
    readRequests();
    return cards.get(token) ?? [];
  };

  beforeAll(async () => {
    await services.start();
    services.on('/token', () => ({ status: 200, body: { access_token: 'ya29.race', expires_in: 3599 } }));
    services.on(SEND_PATH, () => ({ status: 200, body: { name: `projects/${PROJECT}/messages/0:${Date.now()}` } }));
    const saFile = join(tls.dir, 'service-account.json');
    writeFileSync(
      saFile,
      JSON.stringify({
        type: 'service_account',
        project_id: PROJECT,
        private_key: saKey.privateKey.export({ type: 'pkcs8', format: 'pem' }),
        client_email: 'push@reclaim-race.iam.gserviceaccount.com',
        token_uri: `${services.origin}/token`,
      }),
    );
    race = new ChannelRace({
      channel: 'push',
      env: {
        FCM_SERVICE_ACCOUNT_FILE: saFile,
        FCM_API_BASE_URL: services.origin,
        PUSH_EXTRA_CA_FILE: tls.caFile,
      },
      customer: (i, runId) => ({ id: `cust-${runId}-${i}` }),
      prepare: async (carts, post, db) => {
        for (let i = 0; i < carts.length; i += 50) {
          const batch = carts.slice(i, i + 50).map((c) => ({
            id: `sub-${c.cartId}`,
            type: 'push.subscribed',
            occurredAt: new Date().toISOString(),
            cartId: c.cartId,
            customer: c.touch.customer,
            push: { fcmToken: tokenOf(c.index) },
          }));
          expect(await post(batch)).toBe(202);
        }
        const pg = new Client({ connectionString: db.url });
        await pg.connect();
        try {
          await pollUntil(
            async () =>
              Number((await pg.query('SELECT count(*) AS n FROM push.push_subscriptions')).rows[0]?.n) === carts.length,
            { timeoutMs: 60_000, description: 'every cart subscribed' },
          );
        } finally {
          await pg.end();
        }
      },
      arrivals: (c) => arrivalsFor(tokenOf(c.index)),
    });
    await race.start();
  });

  afterAll(async () => {
    await race?.stop();
    await services.stop();
    tls.remove();
  });

  it('never hands a card to FCM after the order was acknowledged, and never sends a touch twice', async () => {
    const r = await race.run({
      carts: CARTS,
      spreadMs: 40_000,
      beforeMs: 300,
      afterHandOffMs: 400,
      republishShare: 0.25,
    });
    process.stderr.write(describeRace('push', r));
    const outcomes = [...r.outcomes.values()];

    expect(r.late).toEqual([]);
    expect(r.doubleSends).toEqual([]);
    expect(r.notOneOutcome).toEqual([]);
    expect(outcomes.filter((o) => o !== 'sent' && o !== 'skipped:suppressed:order_completed')).toEqual([]);
    // Liveness: cards went out next to orders, and orders stopped others (floors: see the report).
    expect(outcomes.filter((o) => o === 'sent').length).toBeGreaterThanOrEqual(30);
    expect(outcomes.filter((o) => o.startsWith('skipped:suppressed')).length).toBeGreaterThanOrEqual(30);
    expect(r.reReported).toBeGreaterThan(0);

    // Every card that went out was for a cart its shopper then ordered: each is withdrawn, once.
    const sentTokens = r.carts.filter((c) => r.outcomes.get(c.touch.touchId) === 'sent').map((c) => tokenOf(c.index));
    await pollUntil(
      () => {
        readRequests();
        return sentTokens.every((t) => withdrawals.has(t));
      },
      { timeoutMs: 60_000, intervalMs: 250, description: 'a withdrawal for every card sent' },
    );
    readRequests();
    expect([...withdrawals].filter(([t, n]) => n !== 1 || !sentTokens.includes(t))).toEqual([]);
  });
});
