import type { IHeaders, Kafka, KafkaMessage } from 'kafkajs';
import { ConsumerGroups, deadLetterTopicSpec, type ConsumerGroupId } from '@reclaim/contracts';
import { topicFor, type KafkaSettings } from '@reclaim/kafka';

/** The header a replayed record carries: the dead letter it came from (`topic/partition@offset`). */
export const REPLAYED_FROM_HEADER = 'x-reclaim-replayed-from';
const DLQ_HEADER_PREFIX = 'x-reclaim-dlq-';

export interface ReplayOptions {
  service: ConsumerGroupId;
  /** Only dead letters written at or after this time are replayed; older ones are passed over. */
  since?: Date;
  /** Print what would be replayed; publish and commit nothing. */
  dryRun?: boolean;
  print: (line: string) => void;
}

export interface ReplaySummary {
  deadLetterTopic: string;
  /** Dead letters republished to their source topic (or that would be, in a dry run). */
  replayed: number;
  /** Older than `since`: not republished. */
  passedOver: number;
  /** No readable `x-reclaim-dlq-source` header: cannot be replayed. */
  unreplayable: number;
  /** The replay group's position before this run (dead letters below it were replayed before). */
  startOffset: string;
  endOffset: string;
}

/** `topic/partition@offset` → its parts; undefined when the header is missing or malformed. */
export function parseSource(
  header: string | undefined,
): { topic: string; partition: number; offset: string } | undefined {
  const match = header === undefined ? null : /^(.+)\/(\d+)@(\d+)$/.exec(header);
  if (!match?.[1] || !match[2] || !match[3]) return undefined;
  return { topic: match[1], partition: Number(match[2]), offset: match[3] };
}

/** `--since`: an ISO time, or a duration back from now (`90s`, `15m`, `6h`, `7d`). */
export function parseSince(text: string, now = new Date()): Date {
  const duration = /^(\d+)(s|m|h|d)$/.exec(text.trim());
  if (duration?.[1] && duration[2]) {
    const unit = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[duration[2] as 's' | 'm' | 'h' | 'd'];
    return new Date(now.getTime() - Number(duration[1]) * unit);
  }
  const at = Date.parse(text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(at))
    throw new Error(`--since: "${text}" is neither an ISO time nor a duration like 90s, 15m, 6h, 7d`);
  return new Date(at);
}

const headerText = (value: IHeaders[string]): string | undefined => {
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : first.toString();
};

/** When the record was dead-lettered: its `x-reclaim-dlq-at` header, else the record's timestamp. */
const deadLetteredAt = (message: KafkaMessage): Date => {
  const header = headerText(message.headers?.['x-reclaim-dlq-at']);
  const at = header === undefined ? Number.NaN : Date.parse(header);
  return new Date(Number.isNaN(at) ? Number(message.timestamp) : at);
};

/**
 * Republishes a service's dead letters to the topics they came from, with their key, value and
 * original headers (the `x-reclaim-dlq-*` ones removed, `x-reclaim-replayed-from` added), to the
 * partition they were read from, so a fixed consumer handles them in key order.
 *
 * Idempotent: the tool's own consumer group (`reclaim.<service>.dlq-replay`) commits each dead
 * letter's offset once it is republished with acks=all, and a run reads only from that position up
 * to the end the topic had when the run began. A second run republishes nothing already replayed;
 * a crash between the republish and the commit republishes that one record again (consumers are
 * idempotent by `ce_id`). `since` passes over the older dead letters after the position for good.
 */
export async function replayDeadLetters(
  kafka: Kafka,
  settings: KafkaSettings,
  options: ReplayOptions,
): Promise<ReplaySummary> {
  const deadLetterTopic = topicFor(settings, deadLetterTopicSpec(options.service).name);
  const groupId = topicFor(settings, `${ConsumerGroups[options.service]}.dlq-replay`);
  const admin = kafka.admin();
  await admin.connect();
  let ends: Map<number, { start: bigint; end: bigint }>;
  try {
    const [latest, [committed]] = await Promise.all([
      admin.fetchTopicOffsets(deadLetterTopic),
      admin.fetchOffsets({ groupId, topics: [deadLetterTopic] }),
    ]);
    const position = new Map(committed?.partitions.map((p) => [p.partition, BigInt(p.offset)]) ?? []);
    ends = new Map(
      latest.map((p) => {
        const low = BigInt(p.low);
        const at = position.get(p.partition) ?? -1n; // -1: nothing committed yet
        return [p.partition, { start: at < low ? low : at, end: BigInt(p.high) }];
      }),
    );
  } finally {
    await admin.disconnect();
  }
  const summary: ReplaySummary = {
    deadLetterTopic,
    replayed: 0,
    passedOver: 0,
    unreplayable: 0,
    startOffset: [...ends.values()].map((e) => e.start.toString()).join(','),
    endOffset: [...ends.values()].map((e) => e.end.toString()).join(','),
  };
  const pending = [...ends.entries()].filter(([, e]) => e.start < e.end);
  if (pending.length === 0) return summary;

  const producer = kafka.producer({ idempotent: true, allowAutoTopicCreation: false });
  const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false, readUncommitted: false });
  await Promise.all([options.dryRun ? Promise.resolve() : producer.connect(), consumer.connect()]);
  try {
    await consumer.subscribe({ topics: [deadLetterTopic], fromBeginning: true });
    const left = new Set(pending.map(([partition]) => partition));
    let finish: () => void = () => undefined;
    let fail: (error: unknown) => void = () => undefined;
    const done = new Promise<void>((resolve, reject) => {
      finish = resolve;
      fail = reject;
    });
    const settle = async (partition: number, offset: string): Promise<void> => {
      if (!options.dryRun) {
        await consumer.commitOffsets([{ topic: deadLetterTopic, partition, offset: (BigInt(offset) + 1n).toString() }]);
      }
      const end = ends.get(partition)?.end ?? 0n;
      if (BigInt(offset) + 1n >= end && left.delete(partition) && left.size === 0) finish();
    };
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        const range = ends.get(partition);
        if (!left.has(partition) || !range || BigInt(message.offset) >= range.end) return;
        if (BigInt(message.offset) < range.start) return; // below this run's start (dry runs do not commit)
        const from = `${deadLetterTopic}/${partition}@${message.offset}`;
        try {
          const at = deadLetteredAt(message);
          const source = parseSource(headerText(message.headers?.['x-reclaim-dlq-source']));
          if (options.since && at < options.since) {
            summary.passedOver++;
            options.print(`passed over ${from} (dead-lettered ${at.toISOString()}, before --since)`);
          } else if (!source) {
            summary.unreplayable++;
            options.print(`cannot replay ${from}: no readable x-reclaim-dlq-source header`);
          } else {
            const headers: IHeaders = {};
            for (const [name, value] of Object.entries(message.headers ?? {})) {
              if (!name.startsWith(DLQ_HEADER_PREFIX) && name !== REPLAYED_FROM_HEADER && value !== undefined)
                headers[name] = value;
            }
            headers[REPLAYED_FROM_HEADER] = from;
            if (!options.dryRun) {
              await producer.send({
                topic: source.topic,
                acks: -1,
                messages: [{ key: message.key, value: message.value, headers, partition: source.partition }],
              });
            }
            summary.replayed++;
            const reason = headerText(message.headers?.['x-reclaim-dlq-reason']) ?? '';
            options.print(
              `${options.dryRun ? 'would replay' : 'replayed'} ${from} → ${source.topic}/${source.partition} ` +
                `(was @${source.offset}; ${reason.slice(0, 120)})`,
            );
          }
          await settle(partition, message.offset);
        } catch (error) {
          fail(error);
          throw error;
        }
      },
    });
    // Dry runs commit nothing, so the group always starts from the beginning: seek to this run's start.
    for (const [partition, range] of pending) {
      consumer.seek({ topic: deadLetterTopic, partition, offset: range.start.toString() });
    }
    await done;
  } finally {
    await Promise.allSettled([consumer.disconnect(), options.dryRun ? Promise.resolve() : producer.disconnect()]);
  }
  return summary;
}
