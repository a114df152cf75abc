import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import type { Admin, Kafka } from 'kafkajs';
import { allTopicSpecs, Topics, type TopicSpec } from '@reclaim/contracts';
import { REPO_ROOT, testKafka, uniquePrefix } from '@reclaim/testing';
import { growPartitions, provisionTopics } from '../src';

/** The catalog as an earlier release shipped it: touch topics with 3 partitions, shopper events with 6. */
const EARLIER: Record<string, number> = {
  [Topics.touchesEmail.name]: 3,
  [Topics.touchesSms.name]: 3,
  [Topics.touchesPush.name]: 3,
  [Topics.storefrontEvents.name]: 6,
};
const earlierCatalog = (): TopicSpec[] =>
  allTopicSpecs().map((s) => ({ ...s, partitions: EARLIER[s.name] ?? s.partitions }));

async function partitionCounts(admin: Admin, prefix: string): Promise<Record<string, number>> {
  const { topics } = await admin.fetchTopicMetadata({ topics: allTopicSpecs().map((s) => prefix + s.name) });
  return Object.fromEntries(topics.map((t) => [t.name.slice(prefix.length), t.partitions.length]));
}

/** `npm run kafka:partitions` without the build: the provisioning tool from dist (built by the global setup). */
function provisionTool(prefix: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const res = spawnSync(process.execPath, [resolve(REPO_ROOT, 'dist/tools/kafka/provision-topics.js'), ...args], {
    env: { ...process.env, KAFKA_TOPIC_PREFIX: prefix },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: res.status, stdout: res.stdout, stderr: res.stderr };
}

/**
 * Topics created by an earlier release keep their partition count when the catalog grows;
 * `npm run kafka:partitions` grows them to the catalog's count, only ever adds, and says what it did.
 */
describe('growing the partitions of existing topics', () => {
  const prefix = uniquePrefix('topic-partitions');
  let kafka: Kafka;
  let admin: Admin;
  const catalog = Object.fromEntries(allTopicSpecs().map((s) => [s.name, s.partitions]));

  beforeAll(async () => {
    ({ kafka } = testKafka(prefix));
    admin = kafka.admin();
    await admin.connect();
    await provisionTopics(kafka, prefix, earlierCatalog());
  });

  afterAll(async () => {
    await admin?.disconnect();
  });

  it('leaves existing topics as they are when provisioning, and grows them only when asked', async () => {
    const earlier = { ...catalog, ...EARLIER };
    // Every service provisions at start-up: that never changes an existing topic.
    await provisionTopics(kafka, prefix);
    expect(await partitionCounts(admin, prefix)).toEqual(earlier);

    const dryRun = provisionTool(prefix, ['--grow-partitions', '--dry-run']);
    expect(dryRun.status).toBe(0);
    expect(dryRun.stdout).toContain(
      `${prefix}${Topics.touchesEmail.name}: 3 → ${Topics.touchesEmail.partitions} partitions (dry run: not changed)`,
    );
    expect(await partitionCounts(admin, prefix)).toEqual(earlier);

    const grow = provisionTool(prefix, ['--grow-partitions']);
    expect(grow.status).toBe(0);
    for (const [name, before] of Object.entries(EARLIER))
      expect(grow.stdout).toContain(`${prefix}${name}: ${before} → ${catalog[name]} partitions\n`);
    expect(grow.stdout).toContain(`${prefix}${Topics.suppressions.name}: 3 partitions, as the catalog`);
    expect(grow.stderr).toContain(`${Object.keys(EARLIER).length} topic(s) grown`);
    expect(await partitionCounts(admin, prefix)).toEqual(catalog);

    // Again: nothing left to do.
    const again = await growPartitions(kafka, prefix);
    expect(again.filter((c) => c.action !== 'as_catalog')).toEqual([]);
  });

  it('never shrinks a topic that has more partitions than the catalog, and reports a missing one', async () => {
    const own = uniquePrefix('topic-partitions-above');
    const recoveries = Topics.recoveries.name;
    const incentives = Topics.incentives.name;
    await provisionTopics(kafka, own, [{ ...Topics.recoveries, partitions: 5 }]);
    const counts = await growPartitions(kafka, own, [Topics.recoveries, Topics.incentives]);
    expect(counts).toEqual(
      expect.arrayContaining([
        { topic: `${own}${recoveries}`, actual: 5, catalog: Topics.recoveries.partitions, action: 'above_catalog' },
        { topic: `${own}${incentives}`, actual: undefined, catalog: Topics.incentives.partitions, action: 'missing' },
      ]),
    );
    const { topics } = await admin.fetchTopicMetadata({ topics: [`${own}${recoveries}`] });
    expect(topics[0]?.partitions).toHaveLength(5);
    expect(await admin.listTopics()).not.toContain(`${own}${incentives}`);
  });
});
