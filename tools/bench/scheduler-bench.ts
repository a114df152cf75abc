import { Client } from 'pg';
import { Topics } from '@reclaim/contracts';
import { benchDatabase, log, observe, spread, stageKafka, startService, waitUntil } from './bench-kit';

export interface SchedulerResult {
  pending: number;
  fillSeconds: number;
  due: number;
  dueOverMs: number;
  fired: number;
  /** The touch record's timestamp (when the scheduler produced it) minus the touch's due time. */
  latenessMs: ReturnType<typeof spread>;
}

/**
 * The row a planned touch has in scheduler.touches (apps/scheduler/src/migrations, written by
 * touches.repository.ts `insertTimers`), for touch `id` due at `due` (SQL expressions).
 */
const touchRow = (id: string, due: string) => `
  'touch-' || ${id}, 'ab-' || ${id}, 'bench', 'cart-' || ${id}, 'email', 1, ${due}, 'scheduled', NULL,
  now() - interval '1 hour',
  ARRAY['cart:bench:cart-' || ${id}, 'customer:bench:c-' || ${id}],
  jsonb_build_object(
    'touchId', 'touch-' || ${id}, 'abandonmentId', 'ab-' || ${id}, 'storeId', 'bench', 'cartId', 'cart-' || ${id},
    'channel', 'email', 'sequence', 1, 'template', 'reminder', 'incentive', 'none', 'segment', 'first_time',
    'customer', jsonb_build_object('id', 'c-' || ${id}, 'email', 's-' || ${id} || '@bench.example', 'firstName', 'Ann'),
    'cart', jsonb_build_object('currency', 'EUR', 'value', 9800, 'items', jsonb_build_array(
      jsonb_build_object('sku', 'LS-1', 'title', 'Linen Shirt', 'quantity', 2, 'unitPrice', 4900))),
    'abandonedAt', to_char((now() - interval '1 hour') AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
    'lastActivityAt', to_char((now() - interval '1 hour') AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
    'dueAt', to_char((${due}) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')),
  'customer:bench:c-' || ${id},
  now() - interval '1 hour'`;

const COLUMNS = `touch_id, abandonment_id, store_id, cart_id, channel, sequence, due_at, status, reason,
  abandoned_at, stop_scopes, payload, shopper_key, last_activity_at`;

/**
 * Scheduler firing lateness with a big backlog: the scheduler's own table is filled with `pending`
 * future touches (after its migrations ran, with every index in place), then `due` touches of
 * distinct shoppers come due over `dueOverMs`; each one's lateness is the timestamp of its record
 * on reclaim.touches.email.v1 minus its due time.
 */
export async function schedulerBench(
  runId: string,
  opts: { pending: number; due: number; dueOverMs: number },
): Promise<SchedulerResult> {
  const { kafka, prefix } = await stageKafka(runId, 'scheduler');
  const db = await benchDatabase(`reclaim_bench_${runId}_scheduler`);
  const fired = new Map<string, number>();
  const observer = await observe(kafka, prefix, [Topics.touchesEmail.name], (r) => {
    const touchId = r.value['touchId'];
    if (typeof touchId === 'string' && !fired.has(touchId)) fired.set(touchId, r.timestamp);
  });
  const pg = new Client({ connectionString: db.url });
  await pg.connect();
  try {
    const scheduler = await startService('scheduler', { KAFKA_TOPIC_PREFIX: prefix, DATABASE_URL: db.url });
    try {
      log(`scheduler: filling its table with ${opts.pending} pending touches`);
      const fillStart = Date.now();
      for (let from = 1; from <= opts.pending; from += 100_000) {
        const to = Math.min(opts.pending, from + 99_999);
        await pg.query(
          `INSERT INTO scheduler.touches (${COLUMNS})
           SELECT ${touchRow(`'pending-' || g`, `now() + interval '1 day' + g * interval '1 second'`)}
           FROM generate_series($1::int, $2::int) AS g`,
          [from, to],
        );
      }
      await pg.query('ANALYZE scheduler.touches');
      const fillSeconds = (Date.now() - fillStart) / 1000;

      log(`scheduler: ${opts.due} touches coming due over ${opts.dueOverMs} ms`);
      const first = Date.now() + 2_000;
      const ids = Array.from({ length: opts.due }, (_, i) => `due-${runId}-${i}`);
      const dueAt = ids.map((_, i) => new Date(first + Math.floor((i * opts.dueOverMs) / opts.due)));
      await pg.query(
        `INSERT INTO scheduler.touches (${COLUMNS})
         SELECT ${touchRow('v.id', 'v.due')}
         FROM unnest($1::text[], $2::timestamptz[]) AS v(id, due)`,
        [ids, dueAt],
      );
      await waitUntil(() => ids.every((id) => fired.has(`touch-${id}`)), opts.dueOverMs + 60_000, 50);
      const lateness = ids.flatMap((id, i) => {
        const at = fired.get(`touch-${id}`);
        return at === undefined ? [] : [at - (dueAt[i]?.getTime() ?? NaN)];
      });
      return {
        pending: opts.pending,
        fillSeconds,
        due: opts.due,
        dueOverMs: opts.dueOverMs,
        fired: lateness.length,
        latenessMs: spread(lateness),
      };
    } finally {
      await scheduler.stop();
    }
  } finally {
    await Promise.allSettled([pg.end(), observer.stop()]);
    await db.drop();
  }
}
