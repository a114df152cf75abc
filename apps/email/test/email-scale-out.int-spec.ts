import { ConsumerGroups, Contracts, Topics } from '@reclaim/contracts';
import {
  EventPublisher,
  fetchCommittedOffsets,
  fetchHighWatermarks,
  groupFor,
  provisionTopics,
  topicFor,
  type Admin,
} from '@reclaim/kafka';
import {
  collectTopics,
  createTestDatabase,
  freePort,
  groupAssignment,
  pollUntil,
  SmtpCapture,
  startServiceProcess,
  testKafka,
  uniquePrefix,
  type RunningService,
  type TestDatabase,
} from '@reclaim/testing';
import { emailTouch } from './email-test-app';

const TOUCHES = 400;
/**
 * How long the SMTP server takes to answer each message until the second instance holds
 * partitions: with the shipped concurrency (3 partitions × EMAIL_CONCURRENCY 4) the first instance
 * then sends at most 4 a second, so work is left whenever the second one joins, even on a
 * machine slowed by other load. Far below the sender's socket timeout (2 × SMTP_TIMEOUT_MS).
 */
const SLOW_REPLY_MS = 3_000;

/**
 * Scale-out on Kafka: a second instance of the email service (processes built from dist, the
 * shipped defaults, one database schema as instances of one service share it) joins the consumer
 * group while the first is half-way through 400 due touches spread over the touch topic's
 * partitions. The partitions are split between them, both send, and across the rebalance every
 * touch ends `sent` exactly once: one message per shopper at the SMTP server, one final status
 * per touch on reclaim.deliveries.v1 (a repeated report carries the same deliveryId).
 * Processes, not two Nest apps in this jest worker: each instance has its own prom-client
 * registry, Kafka clients and pools, as in production.
 */
describe('a second email instance joining mid-run', () => {
  const prefix = uniquePrefix('email-scale-out');
  const { kafka, settings } = testKafka(prefix);
  const touchTopic = topicFor(settings, Topics.touchesEmail.name);
  const deliveriesTopic = topicFor(settings, Topics.deliveries.name);
  const group = groupFor(settings, ConsumerGroups.email);
  let database: TestDatabase;
  let smtp: SmtpCapture;
  let publisher: EventPublisher;
  let observer: Awaited<ReturnType<typeof collectTopics>>;
  let admin: Admin;
  const running: RunningService[] = [];

  /** Each instance names itself in EHLO (nodemailer's `name` from the SMTP URL): who sent what. */
  const env = (instance: string) => ({
    KAFKA_BROKERS: process.env['KAFKA_BROKERS'] ?? '',
    KAFKA_TOPIC_PREFIX: prefix,
    DATABASE_URL: database.url,
    SMTP_URL: `${smtp.url}/?name=${instance}`,
    LOG_LEVEL: 'info',
    RESUME_LINK_SECRET: 'scale-out-test-secret',
  });

  beforeAll(async () => {
    await provisionTopics(kafka, prefix);
    database = await createTestDatabase('email_scale_out');
    smtp = await new SmtpCapture().start();
    publisher = new EventPublisher(kafka, settings, { source: '/reclaim/test' });
    await publisher.connect();
    observer = await collectTopics(kafka, [deliveriesTopic]);
    admin = kafka.admin();
    await admin.connect();
  });

  afterAll(async () => {
    await Promise.all(running.map((s) => s.stop()));
    await admin?.disconnect();
    await observer?.stop();
    await publisher?.disconnect();
    await smtp?.stop();
    await database?.drop();
  });

  it('splits the partitions between the instances, and sends every touch exactly once', async () => {
    const partitions = Topics.touchesEmail.partitions;
    const touches = Array.from({ length: TOUCHES }, () => emailTouch());
    await publisher.publish(Contracts.touchEmail, touches);
    // The shipped partition count, every partition with work on it.
    const written = await fetchHighWatermarks(admin, touchTopic);
    expect(written.size).toBe(partitions);
    expect([...written.values()].every((high) => high > 0n)).toBe(true);

    smtp.delayReplies(SLOW_REPLY_MS);
    running.push(await startServiceProcess('email', await freePort(), env('instance-a')));
    const [alone] = await pollUntil(
      async () => {
        const members = await groupAssignment(kafka, group, touchTopic);
        return members.length === 1 && members[0]?.partitions.length === partitions && members;
      },
      { timeoutMs: 60_000, description: 'instance A holding every partition' },
    );
    await pollUntil(() => smtp.mails.length >= 12, { timeoutMs: 60_000, description: 'instance A sending' });

    running.push(await startServiceProcess('email', await freePort(), env('instance-b')));
    const shared = await pollUntil(
      async () => {
        const members = await groupAssignment(kafka, group, touchTopic);
        return members.length === 2 && members.every((m) => m.partitions.length > 0) && members;
      },
      { timeoutMs: 120_000, intervalMs: 250, description: 'the partitions split between instances A and B' },
    );
    // B joined while there was work left, and A gave partitions up: together they hold each once.
    const sentBeforeJoin = smtp.mails.length;
    expect(sentBeforeJoin).toBeLessThan(TOUCHES);
    expect(shared.flatMap((m) => m.partitions).sort((x, y) => x - y)).toEqual([...Array(partitions).keys()]);
    const a = shared.find((m) => m.memberId === alone?.memberId);
    if (a) expect(a.partitions.length).toBeLessThan(partitions);
    smtp.delayReplies(0);

    const reportsOf = () => {
      const byTouch = new Map<string, Array<{ deliveryId: string; status: string }>>();
      for (const r of observer.records) {
        const d = r.value as { touchId: string; deliveryId: string; status: string };
        byTouch.set(d.touchId, [...(byTouch.get(d.touchId) ?? []), d]);
      }
      return byTouch;
    };
    await pollUntil(() => reportsOf().size === TOUCHES && smtp.mails.length >= TOUCHES, {
      timeoutMs: 240_000,
      intervalMs: 500,
      description: `an outcome for each of the ${TOUCHES} touches`,
    });
    // Nothing is left to redeliver (the group has committed every touch), and the observer has read
    // every report published before those commits.
    await pollUntil(
      async () => {
        const committed = await fetchCommittedOffsets(kafka, group, touchTopic);
        return [...written].every(([p, high]) => (committed.get(p) ?? 0n) >= high);
      },
      { timeoutMs: 60_000, intervalMs: 500, description: 'the email group committing every touch' },
    );
    const reported = await fetchHighWatermarks(admin, deliveriesTopic);
    await pollUntil(
      () =>
        [...reported].every(([p, high]) =>
          observer.records.some((r) => r.partition === p && BigInt(r.offset) + 1n >= high),
        ) || [...reported.values()].every((high) => high === 0n),
      { timeoutMs: 30_000, description: 'the observer reading every delivery report' },
    );

    const reports = reportsOf();
    for (const touch of touches) {
      const outcomes = reports.get(touch.touchId) ?? [];
      // Reported once, or again with the same deliveryId after a redelivery; never two outcomes.
      expect({
        touch: touch.touchId,
        statuses: [...new Set(outcomes.map((o) => `${o.status} ${o.deliveryId}`))],
      }).toEqual({ touch: touch.touchId, statuses: [`sent ${outcomes[0]?.deliveryId}`] });
    }
    const recipients = smtp.mails.flatMap((m) => m.envelopeTo).sort();
    expect(recipients).toEqual(touches.map((t) => t.customer.email).sort());
    expect(smtp.handoffs).toHaveLength(TOUCHES);
    const byInstance = (name: string) => smtp.mails.filter((m) => m.clientName === name).length;
    expect(byInstance('instance-a')).toBeGreaterThan(0);
    expect(byInstance('instance-b')).toBeGreaterThan(0);
    expect(byInstance('instance-a') + byInstance('instance-b')).toBe(TOUCHES);
    console.log(
      `[email-scale-out] ${TOUCHES} touches on ${partitions} partitions; ${sentBeforeJoin} sent when B held partitions ` +
        `(A ${a?.partitions.length ?? '?'}, B ${partitions - (a?.partitions.length ?? partitions)}); sent by A ${byInstance('instance-a')}, ` +
        `by B ${byInstance('instance-b')}; ${observer.records.length - TOUCHES} reported again after a redelivery (same deliveryId); 0 lost, 0 doubled`,
    );
  }, 600_000);
});
