import type { Admin, Kafka } from 'kafkajs';
import { allTopicSpecs, type TopicSpec } from '@reclaim/contracts';

/**
 * Creates every catalog topic (with its partitions, compaction and retention) that does not
 * exist yet, then waits until each partition has a leader: a fresh single node may otherwise
 * answer "does not host this topic-partition".
 */
export async function provisionTopics(kafka: Kafka, prefix: string, specs: TopicSpec[] = allTopicSpecs()): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = specs.filter((s) => !existing.has(prefix + s.name));
    if (missing.length > 0) {
      // Several services may provision at once: a lost race surfaces as "already exists",
      // so the metadata wait below is what decides.
      await admin
        .createTopics({
        waitForLeaders: true,
        topics: missing.map((s) => ({
          topic: prefix + s.name,
          numPartitions: s.partitions,
          replicationFactor: 1,
          configEntries: [
            { name: 'cleanup.policy', value: s.cleanupPolicy },
            { name: 'retention.ms', value: String(s.retentionMs) },
            ...(s.cleanupPolicy === 'compact'
              ? [
                  { name: 'min.cleanable.dirty.ratio', value: '0.1' },
                  { name: 'segment.ms', value: String(60 * 60 * 1000) },
                ]
              : []),
          ],
        })),
        })
        .catch(() => false);
    }
    const names = specs.map((s) => prefix + s.name);
    const deadline = Date.now() + 30_000;
    for (;;) {
      const ready = await admin
        .fetchTopicMetadata({ topics: names })
        .then(({ topics }) => topics.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0)))
        .catch(() => false);
      if (ready) return;
      if (Date.now() > deadline) throw new Error(`topics have no leader after 30 s: ${names.join(', ')}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  } finally {
    await admin.disconnect();
  }
}

/** High watermark per partition: every acknowledged record sits below it. */
export async function fetchHighWatermarks(admin: Admin, topic: string): Promise<Map<number, bigint>> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return new Map(offsets.map((o) => [o.partition, BigInt(o.high)]));
}
