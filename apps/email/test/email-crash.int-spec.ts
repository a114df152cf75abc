import { Contracts, Topics } from '@reclaim/contracts';
import { EventPublisher, provisionTopics, topicFor } from '@reclaim/kafka';
import {
  collectTopics,
  createTestDatabase,
  freePort,
  pollUntil,
  SmtpCapture,
  startServiceProcess,
  testKafka,
  uniquePrefix,
  type RunningService,
  type TestDatabase,
} from '@reclaim/testing';
import { emailTouch } from './email-test-app';

/**
 * The never-resend policy with a real crash: the email service (a process, built from dist) is
 * killed after SMTP accepted a message and before the ledger recorded it. Restarted, it gets the
 * same touch again (its offset was never committed), finds the row in `sending`, reports
 * `unknown` and does not send a second copy.
 */
describe('email service killed between SMTP accept and recording', () => {
  const prefix = uniquePrefix('email-crash');
  const { kafka, settings } = testKafka(prefix);
  let database: TestDatabase;
  let smtp: SmtpCapture;
  let publisher: EventPublisher;
  let observer: Awaited<ReturnType<typeof collectTopics>>;
  const running: RunningService[] = [];

  const env = () => ({
    KAFKA_BROKERS: process.env['KAFKA_BROKERS'] ?? '',
    KAFKA_TOPIC_PREFIX: prefix,
    DATABASE_URL: database.url,
    SMTP_URL: smtp.url,
    LOG_LEVEL: 'info',
    RESUME_LINK_SECRET: 'crash-test-secret',
  });

  beforeAll(async () => {
    await provisionTopics(kafka, prefix);
    database = await createTestDatabase('email_crash');
    smtp = await new SmtpCapture().start();
    publisher = new EventPublisher(kafka, settings, { source: '/reclaim/test' });
    await publisher.connect();
    observer = await collectTopics(kafka, [topicFor(settings, Topics.deliveries.name)]);
  });

  afterAll(async () => {
    await Promise.all(running.map((s) => s.stop()));
    await observer?.stop();
    await publisher?.disconnect();
    await smtp?.stop();
    await database?.drop();
  });

  it('reports unknown after the restart and never sends the reminder twice', async () => {
    const crashing = await startServiceProcess('email', await freePort(), {
      ...env(),
      EMAIL_TEST_CRASH_POINT: 'after_smtp_accept',
    });
    running.push(crashing);
    const touch = emailTouch();
    const email = touch.customer.email ?? '';
    await publisher.publish(Contracts.touchEmail, [touch]);

    await pollUntil(() => smtp.to(email).length === 1, { description: 'the message accepted by SMTP' });
    await pollUntil(() => crashing.child.exitCode !== null || crashing.child.signalCode !== null, {
      description: 'the crash',
    });

    running.push(await startServiceProcess('email', await freePort(), env()));
    const deliveries = () =>
      observer.records
        .map((r) => r.value as { touchId: string; status: string; reason?: string })
        .filter((d) => d.touchId === touch.touchId);
    const [delivery] = await pollUntil(() => deliveries().length > 0 && deliveries(), {
      timeoutMs: 60_000,
      description: 'the delivery after the restart',
    });
    expect(delivery).toMatchObject({ status: 'unknown', reason: 'interrupted_while_sending' });
    expect(smtp.to(email)).toHaveLength(1);
  });
});
