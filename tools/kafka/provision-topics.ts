/**
 * Creates every topic of the catalog in libs/contracts (partitions, compaction, retention) on
 * KAFKA_BROKERS, with KAFKA_TOPIC_PREFIX (and the KAFKA_SSL*, KAFKA_SASL* settings of libs/platform),
 * and waits for their leaders. The services do the same at start-up; `npm run kafka:start` runs
 * this so a fresh broker is ready for any client.
 *
 * A topic that exists keeps its partition count. `--grow-partitions` (`npm run kafka:partitions`)
 * then also grows every topic below the catalog's count to that count, never shrinks one, and
 * prints what it did per topic; add `--dry-run` to only print what it would do. Adding partitions
 * moves keys to other partitions: follow the procedure in docs/scaling.md.
 */
import { allTopicSpecs } from '@reclaim/contracts';
import { loadConfig } from '@reclaim/core';
import { BaseConfig, kafkaSecurity } from '@reclaim/platform';
import {
  createKafka,
  growPartitions,
  provisionTopics,
  silenceKafkajsTimerWarning,
  type PartitionCount,
} from '@reclaim/kafka';

const USAGE = 'usage: provision-topics [--grow-partitions [--dry-run]]';

const partitions = (n: number) => `${n} partition${n === 1 ? '' : 's'}`;

function line(c: PartitionCount, dryRun: boolean): string {
  const now = c.actual === undefined ? 'missing' : String(c.actual);
  switch (c.action) {
    case 'grown':
      return `${c.topic}: ${now} → ${partitions(c.catalog)}${dryRun ? ' (dry run: not changed)' : ''}`;
    case 'above_catalog':
      return `${c.topic}: ${partitions(c.actual ?? 0)}, more than the catalog's ${c.catalog}; left as it is (Kafka cannot remove partitions)`;
    case 'missing':
      return `${c.topic}: does not exist${dryRun ? ' (dry run: not created)' : ''}`;
    case 'as_catalog':
      return `${c.topic}: ${partitions(c.actual ?? 0)}, as the catalog`;
  }
}

async function main(): Promise<void> {
  silenceKafkajsTimerWarning();
  const args = process.argv.slice(2);
  const grow = args.includes('--grow-partitions');
  const dryRun = args.includes('--dry-run');
  const unknown = args.filter((a) => a !== '--grow-partitions' && a !== '--dry-run');
  if (unknown.length > 0 || (dryRun && !grow)) throw new Error(`${USAGE} (got ${args.join(' ')})`);
  // Never a default broker: this changes a cluster, so it must be named.
  if (!process.env['KAFKA_BROKERS']) throw new Error('KAFKA_BROKERS is not set');
  // Brokers, prefix and the KAFKA_SSL*/KAFKA_SASL* settings, read like the services read them.
  const config = loadConfig(BaseConfig);
  const topicPrefix = config.KAFKA_TOPIC_PREFIX;
  const kafka = createKafka({
    brokers: config.KAFKA_BROKERS,
    clientId: 'reclaim-provision-topics',
    topicPrefix,
    ...kafkaSecurity(config),
  });
  const specs = allTopicSpecs();
  if (!dryRun) await provisionTopics(kafka, topicPrefix, specs);
  if (grow) {
    const counts = await growPartitions(kafka, topicPrefix, specs, { dryRun });
    for (const c of counts) process.stdout.write(`${line(c, dryRun)}\n`);
    const grown = counts.filter((c) => c.action === 'grown').length;
    process.stderr.write(
      `[kafka] ${dryRun ? `${grown} topic(s) would grow` : `${grown} topic(s) grown`} to the catalog's partition count\n`,
    );
  }
  process.stderr.write(
    `[kafka] ${specs.length} topics from the catalog are ${dryRun ? 'checked' : 'ready'}${topicPrefix ? ` (prefix ${topicPrefix})` : ''}\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(
    `[kafka] provisioning topics failed: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
