import type { DataSource } from 'typeorm';
import { Contracts, deadLetterTopicSpec, SuppressionScopes, Topics, type Suppression } from '@reclaim/contracts';
import { DependencyUnavailableError } from '@reclaim/core';
import {
  EventPublisher,
  HighWatermarkReader,
  provisionTopics,
  topicFor,
  type Kafka,
  type KafkaSettings,
} from '@reclaim/kafka';
import { openDatabase } from '@reclaim/persistence';
import {
  collectTopics,
  createTestDatabase,
  pollUntil,
  testKafka,
  uniquePrefix,
  type TestDatabase,
} from '@reclaim/testing';
import { CreateSuppressionView1764300000000, SuppressionView, SuppressionViewRepository } from '../src';

describe(SuppressionView.name, () => {
  const prefix = uniquePrefix('suppression-view');
  let kafka: Kafka;
  let settings: KafkaSettings;
  let database: TestDatabase;
  let db: DataSource;
  let publisher: EventPublisher;
  let sut: SuppressionView;

  const newView = (barrierTimeoutMs = 10_000) =>
    new SuppressionView(kafka, settings, new SuppressionViewRepository(db), { group: 'email', barrierTimeoutMs });

  /**
   * Runs `test` with another view of its own (schema and group), stopped and closed afterwards;
   * `over` points it at other topics.
   */
  async function withOtherView(
    schema: string,
    group: 'sms' | 'push',
    test: (view: SuppressionView, viewDb: DataSource) => Promise<void>,
    over: { kafka: Kafka; settings: KafkaSettings } = { kafka, settings },
  ): Promise<void> {
    const viewDb = await openDatabase({ url: database.url, schema, migrations: [CreateSuppressionView1764300000000] });
    const view = new SuppressionView(over.kafka, over.settings, new SuppressionViewRepository(viewDb), {
      group,
      barrierTimeoutMs: 10_000,
    });
    try {
      await test(view, viewDb);
    } finally {
      await view.stop();
      await viewDb.destroy();
    }
  }

  const suppression = (over: Partial<Suppression> & Pick<Suppression, 'scope'>): Suppression => ({
    storeId: 's1',
    reason: 'order_completed',
    sourceEventId: `evt-${Math.random().toString(36).slice(2)}`,
    suppressedAt: '2026-01-02T12:00:00.000Z',
    ...over,
  });

  beforeAll(async () => {
    ({ kafka, settings } = testKafka(prefix, 'suppression-view-test'));
    await provisionTopics(kafka, prefix);
    database = await createTestDatabase('suppression_view');
    db = await openDatabase({ url: database.url, schema: 'email', migrations: [CreateSuppressionView1764300000000] });
    publisher = new EventPublisher(kafka, settings, { source: '/reclaim/test', transactionalProducers: 1 });
    await publisher.connect();
    sut = newView();
    await sut.start();
  });

  afterAll(async () => {
    await sut.stop();
    await publisher.disconnect();
    await db.destroy();
    await database.drop();
  });

  it('sees a cart suppression published just before the barrier', async () => {
    await publisher.publish(Contracts.suppression, [
      suppression({ scope: SuppressionScopes.cart('s1', 'race-cart'), cartId: 'race-cart' }),
    ]);
    await sut.catchUp();
    await expect(
      sut.isSuppressed({ storeId: 's1', channel: 'email' as const, cartId: 'race-cart' }),
    ).resolves.toMatchObject({
      suppressed: true,
      reason: 'order_completed',
    });
    await expect(sut.isSuppressed({ storeId: 's1', channel: 'email' as const, cartId: 'other-cart' })).resolves.toEqual(
      { suppressed: false },
    );
  });

  it('lets concurrent checks share barrier rounds, each seeing every suppression acknowledged before it asked', async () => {
    // Observe (not replace) the watermark reads: one per barrier round.
    const watermarks = (sut as unknown as { watermarks: HighWatermarkReader }).watermarks;
    const read = watermarks.highWatermarks.bind(watermarks);
    let reads = 0;
    watermarks.highWatermarks = (topic) => {
      reads++;
      return read(topic);
    };
    try {
      const carts = Array.from({ length: 40 }, (_, i) => `shared-${i}`);
      // Each cart's suppression is acknowledged by Kafka, then its check starts at once — while
      // earlier checks' rounds are still running.
      const checks: Array<Promise<{ cartId: string; startedAt: number; clearedAt: number; suppressed: boolean }>> = [];
      for (const cartId of carts) {
        await publisher.publish(Contracts.suppression, [
          suppression({ scope: SuppressionScopes.cart('s1', cartId), cartId }),
        ]);
        const startedAt = Date.now();
        checks.push(
          sut.catchUp().then(async (clearedAt) => {
            const verdict = await sut.isSuppressed({ storeId: 's1', channel: 'email' as const, cartId });
            return { cartId, startedAt, clearedAt, suppressed: verdict.suppressed };
          }),
        );
      }
      const results = await Promise.all(checks);
      expect(results.filter((r) => !r.suppressed)).toEqual([]);
      // The round that cleared a check started after the check asked (its freshness counts from there).
      expect(results.filter((r) => r.clearedAt < r.startedAt)).toEqual([]);
      expect(reads).toBeLessThanOrEqual(carts.length);

      // Twenty touches asking at once, with no round in flight: one watermark read clears them all.
      reads = 0;
      const burst = await Promise.all(Array.from({ length: 20 }, () => sut.catchUp()));
      expect(reads).toBe(1);
      expect(new Set(burst).size).toBe(1);
    } finally {
      watermarks.highWatermarks = read;
    }
  });

  it('answers checks asked together with one lookup, each by its own scopes', async () => {
    await publisher.publish(Contracts.suppression, [
      suppression({ scope: SuppressionScopes.cart('s1', 'together-1'), cartId: 'together-1' }),
    ]);
    await sut.catchUp();
    const verdicts = await Promise.all(
      ['together-1', 'together-2', 'together-1'].map((cartId) =>
        sut.isSuppressed({ storeId: 's1', channel: 'email' as const, cartId }),
      ),
    );
    expect(verdicts.map((v) => v.suppressed)).toEqual([true, false, true]);
  });

  it('catches up past transaction markers (suppressions written in a Kafka transaction)', async () => {
    const scope = SuppressionScopes.cart('s1', 'tx-cart');
    await publisher.sendAtomically([
      publisher.message(Contracts.suppression, suppression({ scope, cartId: 'tx-cart' })),
    ]);
    await sut.catchUp();
    await expect(
      sut.isSuppressed({ storeId: 's1', channel: 'email' as const, cartId: 'tx-cart' }),
    ).resolves.toMatchObject({ suppressed: true });
    // Once more: the barrier must not wait forever for the commit marker's offset.
    await publisher.sendAtomically([
      publisher.message(Contracts.suppression, suppression({ scope: SuppressionScopes.cart('s1', 'tx-cart-2') })),
    ]);
    await sut.catchUp();
    await sut.catchUp();
  });

  it('applies customer suppressions only to carts abandoned before the order', async () => {
    await publisher.publish(Contracts.suppression, [
      suppression({
        scope: SuppressionScopes.customer('s1', 'cust-1'),
        customerId: 'cust-1',
        suppressedAt: '2026-01-02T12:00:00.000Z',
      }),
    ]);
    await sut.catchUp();
    const base = { storeId: 's1', channel: 'email' as const, cartId: 'c-x', customerId: 'cust-1' };
    await expect(sut.isSuppressed({ ...base, abandonedAt: new Date('2026-01-02T11:00:00Z') })).resolves.toMatchObject({
      suppressed: true,
      scope: SuppressionScopes.customer('s1', 'cust-1'),
    });
    await expect(sut.isSuppressed({ ...base, abandonedAt: new Date('2026-01-03T09:00:00Z') })).resolves.toEqual({
      suppressed: false,
    });
  });

  it('honours contact scopes and lifts a scope on a tombstone', async () => {
    const scope = SuppressionScopes.email('s1', 'Ann@Example.com');
    await publisher.publish(Contracts.suppression, [suppression({ scope, reason: 'unsubscribed' })]);
    await sut.catchUp();
    const ann = { storeId: 's1', channel: 'email' as const, cartId: 'c-ann', email: 'ann@example.com' };
    await expect(sut.isSuppressed(ann)).resolves.toMatchObject({ suppressed: true, reason: 'unsubscribed' });

    await publisher.sendMessages([publisher.tombstone(Topics.suppressions, scope)]);
    await sut.catchUp();
    await expect(sut.isSuppressed(ann)).resolves.toEqual({ suppressed: false });
  });

  it('starts over when its stored positions lie past the topic’s end (the topic was recreated)', async () => {
    // Another view (its own schema) whose positions come from a previous life of the topic.
    await withOtherView('sms', 'sms', async (stale, other) => {
      await other.query(
        `INSERT INTO suppression_offsets (partition, next_offset) VALUES (0, 100000), (1, 100000), (2, 100000)`,
      );
      await other.query(
        `INSERT INTO suppressions (scope, reason, store_id, suppressed_at) VALUES ('cart:s1:old-topic', 'order_completed', 's1', now())`,
      );
      await stale.start();
      const scope = SuppressionScopes.cart('s1', 'after-recreate');
      await publisher.publish(Contracts.suppression, [suppression({ scope, cartId: 'after-recreate' })]);
      await stale.catchUp();
      // The new topic's records are applied, not skipped as redeliveries; the old topic's are gone.
      await expect(
        stale.isSuppressed({ storeId: 's1', channel: 'sms', cartId: 'after-recreate' }),
      ).resolves.toMatchObject({
        suppressed: true,
      });
      await expect(stale.isSuppressed({ storeId: 's1', channel: 'sms', cartId: 'old-topic' })).resolves.toEqual({
        suppressed: false,
      });
    });
  });

  it('starts over when Kafka holds no commit of its group, even when the recreated topic grew past its positions', async () => {
    // A view (its own schema and group) whose positions sit within the topic as it is now, as if
    // the topic had been recreated and had grown again before the service came back.
    const scope = SuppressionScopes.cart('s1', 'grown-again');
    await publisher.publish(Contracts.suppression, [suppression({ scope, cartId: 'grown-again' })]);
    const watermarks = new HighWatermarkReader(kafka);
    const ends = await watermarks.highWatermarks(topicFor(settings, Topics.suppressions.name));
    await watermarks.disconnect();
    await withOtherView('push', 'push', async (stale, other) => {
      for (const [partition, end] of ends) {
        await other.query('INSERT INTO suppression_offsets (partition, next_offset) VALUES ($1, $2)', [
          partition,
          end.toString(),
        ]);
      }
      await other.query(
        `INSERT INTO suppressions (scope, reason, store_id, suppressed_at) VALUES ('cart:s1:previous-life', 'order_completed', 's1', now())`,
      );
      await stale.start();
      await stale.catchUp();
      await expect(
        stale.isSuppressed({ storeId: 's1', channel: 'push', cartId: 'grown-again' }),
      ).resolves.toMatchObject({ suppressed: true });
      await expect(stale.isSuppressed({ storeId: 's1', channel: 'push', cartId: 'previous-life' })).resolves.toEqual({
        suppressed: false,
      });
    });
  });

  it('waits at start-up for a topic that is not there yet (a broker still coming up), then works', async () => {
    const { kafka: lateKafka, settings: lateSettings } = testKafka(uniquePrefix('suppression-view-late'));
    const late = { kafka: lateKafka, settings: lateSettings };
    const latePublisher = new EventPublisher(lateKafka, lateSettings, { source: '/reclaim/test' });
    try {
      await withOtherView(
        'late',
        'sms',
        async (view) => {
          const starting = view.start();
          await new Promise((r) => setTimeout(r, 1_000));
          await provisionTopics(lateKafka, lateSettings.topicPrefix);
          await starting;
          await latePublisher.connect();
          await latePublisher.publish(Contracts.suppression, [
            suppression({ scope: SuppressionScopes.cart('s1', 'late-cart'), cartId: 'late-cart' }),
          ]);
          await view.catchUp();
          await expect(
            view.isSuppressed({ storeId: 's1', channel: 'sms', cartId: 'late-cart' }),
          ).resolves.toMatchObject({ suppressed: true });
        },
        late,
      );
    } finally {
      await latePublisher.disconnect();
    }
  });

  it('dead-letters an unreadable record and still moves past it', async () => {
    const dlq = await collectTopics(kafka, [topicFor(settings, deadLetterTopicSpec('email').name)]);
    const producer = kafka.producer({ idempotent: true, allowAutoTopicCreation: false });
    await producer.connect();
    await producer.send({
      topic: topicFor(settings, Topics.suppressions.name),
      acks: -1,
      messages: [{ key: 'cart:s1:garbage', value: '{"not":"a suppression"}' }],
    });
    await producer.disconnect();
    await sut.catchUp();
    await pollUntil(() => dlq.records.length === 1, { description: 'the unreadable record on the DLQ' });
    expect(dlq.records[0]?.headers['x-reclaim-dlq-error-code']).toBe('INVALID_INPUT');
    await dlq.stop();
  });

  it('keeps its position across restarts and applies nothing twice', async () => {
    const before = await new SuppressionViewRepository(db).positions();
    const reset = jest.spyOn(SuppressionViewRepository.prototype, 'reset');
    try {
      await sut.stop();
      sut = newView();
      await sut.start();
      await sut.catchUp();
      expect(await new SuppressionViewRepository(db).positions()).toEqual(before);
      // Its group's commits are in Kafka: the view trusts its positions and is not rebuilt.
      expect(reset).not.toHaveBeenCalled();
    } finally {
      reset.mockRestore();
    }
  });

  it('refuses the barrier with a retriable error while the view is not running, then catches up', async () => {
    await sut.stop();
    await publisher.publish(Contracts.suppression, [
      suppression({ scope: SuppressionScopes.cart('s1', 'late'), cartId: 'late' }),
    ]);
    sut = newView(300);
    const error = await sut.catchUp().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DependencyUnavailableError);
    expect((error as DependencyUnavailableError).retriable).toBe(true);
    await sut.start();
    await pollUntil(() => sut.catchUp().then(() => true), { description: 'the restarted view to catch up' });
    await expect(sut.isSuppressed({ storeId: 's1', channel: 'email' as const, cartId: 'late' })).resolves.toMatchObject(
      { suppressed: true },
    );
  });
});
