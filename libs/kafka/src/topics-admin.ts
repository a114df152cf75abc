import type { Admin, Kafka } from 'kafkajs';
import { allTopicSpecs, type TopicSpec } from '@reclaim/contracts';

/** True when a createTopics failure is only the lost race "topic already exists". */
function onlyAlreadyExists(error: unknown): boolean {
  const errors = (error as { errors?: unknown }).errors;
  const list: unknown[] = Array.isArray(errors) && errors.length > 0 ? errors : [error];
  return list.every((e) => (e as { type?: unknown }).type === 'TOPIC_ALREADY_EXISTS');
}

/**
 * Answers that only mean "not there yet": right after CreateTopics or CreatePartitions the
 * broker's metadata cache may not have applied the new partitions (KRaft), and a partition whose
 * leader the metadata already names may not be served by it yet (NOT_LEADER_FOR_PARTITION), the
 * more partitions the longer. kafkajs wraps some of them (`cause`).
 */
const NOT_YET = new Set(['UNKNOWN_TOPIC_OR_PARTITION', 'LEADER_NOT_AVAILABLE', 'NOT_LEADER_FOR_PARTITION']);
function notYet(error: unknown): boolean {
  for (let e = error, depth = 0; typeof e === 'object' && e !== null && depth < 4; depth++) {
    if (NOT_YET.has(String((e as { type?: unknown }).type))) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

const READY_WAIT_MS = 60_000;

/**
 * Waits (up to a minute) until every topic has at least the wanted partition count, each with a
 * leader that serves it: the metadata names a leader for every partition, and a ListOffsets for
 * every partition is answered. kafkajs' own `waitForLeaders` gives up on the first "does not host
 * this topic-partition", which a single KRaft node answers for a while after creating ~100
 * partitions at once; and a consumer that asks for offsets before the leader serves them can spend
 * its retries on "not the leader" (a CI run's dead-letter replay spec did). The topic list comes
 * first: asking for the metadata of a topic the broker does not know yet logs an error.
 */
async function waitForPartitions(admin: Admin, wanted: Map<string, number>): Promise<void> {
  const names = [...wanted.keys()];
  const deadline = Date.now() + READY_WAIT_MS;
  const ready = async (): Promise<boolean> => {
    const listed = new Set(await admin.listTopics());
    if (!names.every((n) => listed.has(n))) return false;
    const { topics } = await admin.fetchTopicMetadata({ topics: names });
    const led = topics.every(
      (t) => t.partitions.length >= (wanted.get(t.name) ?? 1) && t.partitions.every((p) => p.leader >= 0),
    );
    if (!led) return false;
    await Promise.all(names.map((name) => admin.fetchTopicOffsets(name)));
    return true;
  };
  for (;;) {
    const done = await ready().catch((error: unknown) => {
      if (!notYet(error)) throw error;
      return false;
    });
    if (done) return;
    if (Date.now() > deadline)
      throw new Error(`topics not served by a leader after ${READY_WAIT_MS / 1000} s: ${names.join(', ')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Creates every catalog topic (with its partitions, compaction and retention) that does not
 * exist yet, then waits until each partition has a leader: a fresh single node may otherwise
 * answer "does not host this topic-partition". A topic that already exists is left as it is, with
 * its partition count: growing it is an operator's decision (`growPartitions`, docs/scaling.md).
 */
export async function provisionTopics(
  kafka: Kafka,
  prefix: string,
  specs: TopicSpec[] = allTopicSpecs(),
): Promise<void> {
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
          waitForLeaders: false,
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
        .catch((error: unknown) => {
          if (!onlyAlreadyExists(error)) throw error;
          return false;
        });
    }
    // A topic appears in the metadata with all its partitions at once; one that existed keeps its
    // count, which may be below the catalog's.
    await waitForPartitions(admin, new Map(specs.map((s) => [prefix + s.name, 1])));
  } finally {
    await admin.disconnect();
  }
}

/** One catalog topic's partition count on the cluster against the catalog's. */
export interface PartitionCount {
  /** Physical name (with the deployment prefix). */
  topic: string;
  /** Partitions on the cluster before the call; undefined: the topic does not exist. */
  actual: number | undefined;
  /** Partitions the catalog asks for. */
  catalog: number;
  /**
   * What was (or, in a dry run, would be) done: `grown` to the catalog's count, `missing` (left to
   * provisioning), `as_catalog`, or `above_catalog` (Kafka cannot remove partitions; left alone).
   */
  action: 'grown' | 'missing' | 'as_catalog' | 'above_catalog';
}

/**
 * Grows every existing catalog topic that has fewer partitions than the catalog to the catalog's
 * count (CreatePartitions), and waits until the new partitions have leaders. Never shrinks, never
 * creates a topic. With `dryRun`, only reports. Adding partitions changes which partition a key
 * maps to: read docs/scaling.md for what that means and the safe procedure.
 */
export async function growPartitions(
  kafka: Kafka,
  prefix: string,
  specs: TopicSpec[] = allTopicSpecs(),
  options: { dryRun?: boolean } = {},
): Promise<PartitionCount[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const present = specs.filter((s) => existing.has(prefix + s.name));
    const { topics } =
      present.length > 0
        ? await admin.fetchTopicMetadata({ topics: present.map((s) => prefix + s.name) })
        : { topics: [] };
    const actual = new Map(topics.map((t) => [t.name, t.partitions.length]));
    const counts: PartitionCount[] = specs.map((s) => {
      const topic = prefix + s.name;
      const now = actual.get(topic);
      const action =
        now === undefined
          ? 'missing'
          : now < s.partitions
            ? 'grown'
            : now > s.partitions
              ? 'above_catalog'
              : 'as_catalog';
      return { topic, actual: now, catalog: s.partitions, action };
    });
    const grow = counts.filter((c) => c.action === 'grown');
    if (!options.dryRun && grow.length > 0) {
      await admin.createPartitions({
        validateOnly: false,
        topicPartitions: grow.map((c) => ({ topic: c.topic, count: c.catalog })),
      });
      await waitForPartitions(admin, new Map(grow.map((c) => [c.topic, c.catalog])));
    }
    return counts;
  } finally {
    await admin.disconnect();
  }
}

/**
 * Latest offsets per partition as kafkajs' admin reports them. Caution: the admin asks with
 * READ_COMMITTED, so these are last stable offsets, which can trail a just-committed transaction;
 * a read barrier must use HighWatermarkReader instead.
 */
export async function fetchHighWatermarks(admin: Admin, topic: string): Promise<Map<number, bigint>> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return new Map(offsets.map((o) => [o.partition, BigInt(o.high)]));
}

/** The slice of kafkajs' internal Cluster that HighWatermarkReader uses (kafkajs 2.2.4). */
interface KafkajsCluster {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  addTargetTopic(topic: string): Promise<void>;
  refreshMetadata(): Promise<void>;
  refreshMetadataIfNecessary(): Promise<void>;
  findTopicPartitionMetadata(topic: string): Array<{ partitionId: number }>;
  fetchTopicsOffset(
    topics: Array<{ topic: string; fromBeginning: boolean; partitions: Array<{ partition: number }> }>,
  ): Promise<Array<{ topic: string; partitions: Array<{ partition: number; offset: string }> }>>;
}

type CreateCluster = (options: { allowAutoTopicCreation: boolean; isolationLevel: number }) => KafkajsCluster;

/** kafkajs' ISOLATION_LEVEL.READ_UNCOMMITTED. */
const READ_UNCOMMITTED = 0;

/**
 * The offsets a consumer group has committed on a topic, per partition; a partition the group has
 * never committed (or whose commit Kafka no longer holds: a recreated cluster or topic, expired
 * group offsets) is absent.
 */
export async function fetchCommittedOffsets(
  kafka: Kafka,
  groupId: string,
  topic: string,
): Promise<Map<number, bigint>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [result] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return new Map(
      (result?.partitions ?? []).filter((p) => BigInt(p.offset) >= 0n).map((p) => [p.partition, BigInt(p.offset)]),
    );
  } finally {
    await admin.disconnect();
  }
}

/**
 * Reads true high watermarks (ListOffsets with READ_UNCOMMITTED isolation). kafkajs' admin
 * `fetchTopicOffsets` asks with READ_COMMITTED and so returns the last stable offset: right after
 * a transaction commits, its markers may not be written yet and the LSO still sits before the
 * committed records — a barrier built on it lets a send pass a suppression that ingestion has
 * already acknowledged. The high watermark covers every acknowledged record, committed or not
 * yet marked; a read_committed view reaches it once the markers land.
 *
 * kafkajs exposes no isolation level on the admin client, so this uses its (frozen, 2.2.4)
 * internal cluster factory; it fails loudly at construction if that ever changes.
 */
export class HighWatermarkReader {
  private readonly cluster: KafkajsCluster;
  private connected: Promise<void> | undefined;

  constructor(kafka: Kafka) {
    const key = Object.getOwnPropertySymbols(kafka).find((s) => s.description === 'private:Kafka:createCluster');
    const factory: unknown = key === undefined ? undefined : (kafka as unknown as Record<symbol, unknown>)[key];
    if (typeof factory !== 'function')
      throw new Error('HighWatermarkReader: kafkajs internals changed (no createCluster)');
    this.cluster = (factory as CreateCluster)({ allowAutoTopicCreation: false, isolationLevel: READ_UNCOMMITTED });
  }

  async highWatermarks(topic: string): Promise<Map<number, bigint>> {
    this.connected ??= this.cluster.connect().catch((error: unknown) => {
      this.connected = undefined;
      throw error;
    });
    await this.connected;
    try {
      await this.cluster.addTargetTopic(topic);
      await this.cluster.refreshMetadataIfNecessary();
      const partitions = this.cluster.findTopicPartitionMetadata(topic).map((p) => ({ partition: p.partitionId }));
      const [result] = await this.cluster.fetchTopicsOffset([{ topic, fromBeginning: false, partitions }]);
      return new Map((result?.partitions ?? []).map((p) => [p.partition, BigInt(p.offset)]));
    } catch (error) {
      await this.cluster.refreshMetadata().catch(() => undefined); // a moved leader: look again next time
      throw error;
    }
  }

  async disconnect(): Promise<void> {
    this.connected = undefined;
    await this.cluster.disconnect();
  }
}
