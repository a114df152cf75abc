/** Stops what the global setup started (nothing when KAFKA_BROKERS/DATABASE_URL were given). */
export default async function globalTeardown(): Promise<void> {
  const stops = globalThis.__reclaimTeardown ?? [];
  globalThis.__reclaimTeardown = [];
  for (const stop of stops.reverse()) await stop().catch(() => undefined);
}
