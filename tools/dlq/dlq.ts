/**
 * `npm run dlq -- replay <service> [--since <ISO time | 90s | 15m | 6h | 7d>] [--dry-run]`
 *
 * Republishes a service's dead letters (`reclaim.<service>.dlq.v1`) to their source topics once
 * the cause is fixed (ADR 0003). Kafka settings come from the environment like the services'
 * (KAFKA_BROKERS, KAFKA_TOPIC_PREFIX, KAFKA_SSL*, KAFKA_SASL*).
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '@reclaim/core';
import { ConsumerGroups, type ConsumerGroupId } from '@reclaim/contracts';
import { createKafka, silenceKafkajsTimerWarning } from '@reclaim/kafka';
import { BaseConfig, kafkaSecurity } from '@reclaim/platform';
import { parseSince, replayDeadLetters } from './dead-letter-replay';

const USAGE = `usage: npm run dlq -- replay <${Object.keys(ConsumerGroups).join('|')}> [--since <ISO time or duration: 90s, 15m, 6h, 7d>] [--dry-run]`;

async function main(): Promise<void> {
  silenceKafkajsTimerWarning();
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { since: { type: 'string' }, 'dry-run': { type: 'boolean', default: false } },
  });
  const [command, service] = positionals;
  if (command !== 'replay' || !service || !(service in ConsumerGroups) || positionals.length > 2) {
    throw new Error(USAGE);
  }
  const config = loadConfig(BaseConfig);
  const settings = {
    brokers: config.KAFKA_BROKERS,
    clientId: `reclaim-dlq-${service}`,
    topicPrefix: config.KAFKA_TOPIC_PREFIX,
    ...kafkaSecurity(config),
  };
  const since = values.since === undefined ? undefined : parseSince(values.since);
  const dryRun = values['dry-run'];
  const print = (line: string) => process.stdout.write(`${line}\n`);
  const summary = await replayDeadLetters(createKafka(settings), settings, {
    service: service as ConsumerGroupId,
    dryRun,
    print,
    ...(since ? { since } : {}),
  });
  print(
    `${summary.deadLetterTopic}: ${summary.replayed} ${dryRun ? 'to replay' : 'replayed'}, ` +
      `${summary.passedOver} passed over (before --since), ${summary.unreplayable} unreplayable; ` +
      `offsets ${summary.startOffset} → ${summary.endOffset}${dryRun ? ' (dry run: nothing published or committed)' : ''}`,
  );
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`[dlq] ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(error instanceof Error && error.message === USAGE ? 64 : 1);
  },
);
