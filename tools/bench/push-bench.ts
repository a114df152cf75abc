import { Client } from 'pg';
import { generateVAPIDKeys } from 'web-push';
import { Contracts } from '@reclaim/contracts';
import { buildMessage } from '@reclaim/kafka';
import { BrowserSubscription, LocalPushServices, TestCertificates } from '@reclaim/testing';
import { sleep } from './bench-kit';
import { benchTouch, type ChannelRig } from './channel-bench';

/**
 * The push service handing encrypted, VAPID-signed cards to a local web push server over TLS
 * (libs/testing): one browser subscription per cart, stored through `push.subscribed` events on
 * the storefront topic before the clock starts.
 */
export async function pushRig(runId: string): Promise<ChannelRig> {
  const tls = new TestCertificates();
  const server = await new LocalPushServices(tls).start();
  const vapid = generateVAPIDKeys();
  const cartOf = (i: number) => `cart-${runId}-push-${i}`;
  let accepted = 0;
  return {
    channel: 'push',
    script: 'dist/tools/bench/push-bench-main.js',
    env: {
      BENCH_PUSH_TRUSTED_ORIGIN: server.origin,
      PUSH_EXTRA_CA_FILE: tls.caFile,
      VAPID_PUBLIC_KEY: vapid.publicKey,
      VAPID_PRIVATE_KEY: vapid.privateKey,
      VAPID_SUBJECT: 'mailto:ops@bench.example',
    },
    handedOff: () => accepted,
    prepare: async ({ kafka, prefix, databaseUrl, touches }) => {
      const events = [];
      for (let i = -1; i < touches; i++) {
        const path = `/push/${runId}-${i}`;
        server.on(path, () => {
          accepted++;
          return { status: 201, headers: { Location: `${server.origin}/m/${runId}-${i}` } };
        });
        const browser = new BrowserSubscription(`${server.origin}${path}`);
        events.push(
          buildMessage(
            Contracts.storefrontEvent,
            {
              storeId: 'bench',
              receivedAt: new Date().toISOString(),
              event: {
                id: `sub-${runId}-${i}`,
                type: 'push.subscribed',
                occurredAt: new Date().toISOString(),
                cartId: cartOf(i),
                push: { webPush: browser.toEvent() },
              },
            },
            { source: '/bench', topicPrefix: prefix },
          ),
        );
      }
      const producer = kafka.producer({ idempotent: true });
      await producer.connect();
      try {
        for (let i = 0; i < events.length; i += 500) {
          const slice = events.slice(i, i + 500);
          await producer.send({
            topic: slice[0]?.topic ?? '',
            acks: -1,
            messages: slice.map(({ key, value, headers }) => ({ key, value, headers })),
          });
        }
      } finally {
        await producer.disconnect();
      }
      const pg = new Client({ connectionString: databaseUrl });
      await pg.connect();
      try {
        let stored = 0;
        const poll = async () => {
          stored = Number(
            (await pg.query<{ n: string }>('SELECT count(*) AS n FROM push.push_subscriptions')).rows[0]?.n,
          );
        };
        const deadline = Date.now() + 120_000;
        while (stored < events.length && Date.now() < deadline) {
          await poll();
          await sleep(200);
        }
        if (stored < events.length) throw new Error(`push: ${stored} of ${events.length} subscriptions stored`);
      } finally {
        await pg.end();
      }
    },
    touch: (i) => ({ ...benchTouch('push', i, runId, 'push-resume-card', {}), cartId: cartOf(i) }),
    stop: async () => {
      await server.stop();
      tls.remove();
    },
  };
}
