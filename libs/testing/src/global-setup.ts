import { buildServices, resolveKafka, resolvePostgres } from './infrastructure';

declare global {
  var __reclaimTeardown: Array<() => Promise<void>> | undefined;
}

/** Runs once per jest run: one broker and one Postgres for every test file. */
export default async function globalSetup(): Promise<void> {
  if (globalThis.__reclaimTeardown) return; // integration and e2e projects share one setup
  globalThis.__reclaimTeardown = [];
  const kafka = await resolveKafka();
  process.env['KAFKA_BROKERS'] = kafka.brokers;
  if (kafka.stop) globalThis.__reclaimTeardown.push(kafka.stop);
  const pg = await resolvePostgres();
  process.env['DATABASE_URL'] = pg.url;
  if (pg.stop) globalThis.__reclaimTeardown.push(pg.stop);
  buildServices();
  process.stderr.write(`\n[test env] Kafka: ${kafka.brokers} (${kafka.how}); Postgres: ${pg.how}\n`);
}
