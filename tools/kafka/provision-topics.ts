/**
 * Creates every topic of the catalog in libs/contracts (partitions, compaction, retention) on
 * KAFKA_BROKERS, with KAFKA_TOPIC_PREFIX, and waits for their leaders. The services do the same
 * at start-up; `npm run kafka:start` runs this so a fresh broker is ready for any client.
 */
import { allTopicSpecs } from '@reclaim/contracts';
import { createKafka, provisionTopics, silenceKafkajsTimerWarning } from '@reclaim/kafka';

async function main(): Promise<void> {
  silenceKafkajsTimerWarning();
  const brokers = (process.env['KAFKA_BROKERS'] ?? '').split(',').filter((b) => b.length > 0);
  if (brokers.length === 0) throw new Error('KAFKA_BROKERS is not set');
  const topicPrefix = process.env['KAFKA_TOPIC_PREFIX'] ?? '';
  const kafka = createKafka({ brokers, clientId: 'reclaim-provision-topics', topicPrefix });
  const specs = allTopicSpecs();
  await provisionTopics(kafka, topicPrefix, specs);
  process.stderr.write(
    `[kafka] ${specs.length} topics from the catalog are ready${topicPrefix ? ` (prefix ${topicPrefix})` : ''}\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(
    `[kafka] provisioning topics failed: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
