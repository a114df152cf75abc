import { readFileSync } from 'node:fs';
import { signToken } from '@reclaim/core';
import { provisionTopics } from '@reclaim/kafka';
import {
  createTestDatabase,
  freePort,
  startServiceProcess,
  testKafka,
  uniquePrefix,
  type RunningService,
  type TestDatabase,
} from '@reclaim/testing';

const SECRET = 'log-spec-resume-secret-0123456789abcdef';
const API_KEY = 'log-spec-store-key-0001';

/**
 * A real ingestion process's log, read back: resume-link tokens (bearer credentials that carry
 * shopper data), the signing secret and the stores' API keys never appear in it, wherever they
 * were sent — in a link's path, its query, another route's path, or a header.
 */
describe('ingestion logs', () => {
  let db: TestDatabase;
  let service: RunningService | undefined;

  beforeAll(async () => {
    const prefix = uniquePrefix('logs');
    await provisionTopics(testKafka(prefix).kafka, prefix);
    db = await createTestDatabase('logs');
    service = await startServiceProcess('ingestion', await freePort(), {
      KAFKA_BROKERS: process.env['KAFKA_BROKERS'] ?? '',
      KAFKA_TOPIC_PREFIX: prefix,
      DATABASE_URL: db.url,
      INGESTION_API_KEYS: `store-a:${API_KEY}`,
      RESUME_LINK_SECRET: SECRET,
      LOG_LEVEL: 'info',
    });
  });

  afterAll(async () => {
    await service?.stop();
    await db?.drop();
  });

  it('hold no link token, no secret and no API key', async () => {
    if (!service) throw new Error('not started');
    const base = `http://127.0.0.1:${service.port}`;
    const token = signToken(
      {
        s: 'store-a',
        c: 'cart-log',
        t: 'touch-log',
        ch: 'email',
        u: 'https://shop.example/c',
        exp: Math.floor(Date.now() / 1000) + 3600,
      },
      SECRET,
    );
    const requests = [
      fetch(`${base}/r/${token}`, { redirect: 'manual' }),
      fetch(`${base}/r/${token}?utm=${token}`, { redirect: 'manual' }),
      fetch(`${base}/r/not-a-token-${SECRET}`, { redirect: 'manual' }),
      fetch(`${base}/no-such-route/${encodeURIComponent(SECRET)}?key=${API_KEY}`),
      fetch(`${base}/v1/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json', 'x-debug': SECRET },
        body: '{"events":[]}',
      }),
    ];
    const statuses = await Promise.all(requests.map(async (r) => (await r).status));
    expect(statuses).toEqual([302, 302, 404, 404, 400]);
    const { logFile } = service;
    await service.stop(); // flushes the log
    service = undefined;

    const log = readFileSync(logFile, 'utf8');
    // The requests were logged (the test would pass vacuously otherwise)…
    expect(log).toContain('/r/[redacted]');
    expect(log).toContain('/no-such-route/[redacted-secret]');
    // …and nothing secret was.
    for (const secret of [token, token.split('.')[0] ?? token, SECRET, API_KEY, encodeURIComponent(SECRET)]) {
      expect(log).not.toContain(secret);
    }
  });
});
