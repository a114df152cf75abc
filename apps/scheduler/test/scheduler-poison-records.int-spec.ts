import 'reflect-metadata';
import { DataSource } from 'typeorm';
import {
  Contracts,
  deadLetterTopicSpec,
  SuppressionScopes,
  Topics,
  TouchDue,
  type Abandonment,
  type Suppression,
} from '@reclaim/contracts';
import { derivedId, HOUR_MS } from '@reclaim/core';
import { kafkaMetrics } from '@reclaim/kafka';
import { storableText } from '@reclaim/persistence';
import { runService } from '@reclaim/platform';
import { pollUntil, startServiceUnderTest, type ServiceUnderTest } from '@reclaim/testing';
import { AppModule } from '../src/app.module';
import { SchedulerConfig } from '../src/config';

/**
 * Suppressions and abandonments PostgreSQL refuses (U+0000) or would merge (lone surrogates),
 * published straight to the topics: the scheduler records the suppressions (escaped), dead-letters
 * the abandonments it cannot store with the reason, retries nothing, and keeps scheduling
 * everyone else.
 */
describe('scheduler: poison records', () => {
  const POISONED = 'store-poisoned';
  const ORDINARY = 'store-ordinary';
  let sut: ServiceUnderTest<SchedulerConfig>;

  beforeAll(async () => {
    sut = await startServiceUnderTest({
      name: 'scheduler-poison',
      schema: SchedulerConfig,
      start: (config) => runService(AppModule.register(config), { port: 0, host: '127.0.0.1' }),
      env: { RECOVERY_TIME_SCALE: '0.00005', SCHEDULER_POLL_INTERVAL_MS: '50' },
      observe: [Topics.touchesEmail.name, deadLetterTopicSpec('scheduler').name],
      source: '/test/upstream',
    });
  });

  afterAll(async () => {
    await sut?.close();
  });

  function abandonment(storeId: string, cartId: string, customerId = 'cust-1'): Abandonment {
    const abandonmentId = `ab-${storeId}-${cartId}`;
    const abandonedAt = new Date().toISOString();
    return {
      abandonmentId,
      storeId,
      cartId,
      stage: 'checkout',
      segment: 'checkout-abandoner',
      holdout: false,
      customer: { id: customerId, email: 'shopper@example.com' },
      consent: { email: true, sms: false, push: false },
      cart: { currency: 'EUR', items: [{ sku: 'MUG', title: 'Mug', quantity: 1, unitPrice: 1500 }], value: 1500 },
      lastActivityAt: abandonedAt,
      abandonedAt,
      plan: [
        {
          touchId: derivedId(abandonmentId, 'email', '1'),
          sequence: 1,
          channel: 'email',
          offsetMs: HOUR_MS,
          template: 'reminder',
          incentive: 'none',
        },
      ],
    };
  }

  const suppression = (over: Partial<Suppression> & Pick<Suppression, 'scope' | 'reason'>): Suppression => ({
    storeId: POISONED,
    sourceEventId: `evt-\u0000-${over.scope.length}`,
    suppressedAt: new Date().toISOString(),
    ...over,
  });

  const dispatched = (storeId: string, cartId: string) =>
    sut
      .recordsOn(Topics.touchesEmail.name)
      .map((r) => TouchDue.parse(r.value))
      .filter((t) => t.storeId === storeId && t.cartId === cartId);

  const retried = async () => {
    const { values } = await kafkaMetrics.messages.get();
    return values
      .filter((v) => v.labels['group'] === 'reclaim.scheduler' && v.labels['outcome'] === 'retried')
      .reduce((sum, v) => sum + v.value, 0);
  };

  it('records poison suppressions escaped, dead-letters unstorable abandonments at once, and dispatches everyone else', async () => {
    const nulCart = 'c\u0000x';
    const loneSurrogateCart = 'x\uD800';
    const nulCustomer = 'u\u0000x';
    const scopes = [
      SuppressionScopes.cart(POISONED, nulCart),
      SuppressionScopes.consent('email', POISONED, { kind: 'customer', value: nulCustomer }),
      SuppressionScopes.sms(POISONED, '+1555\u00000100'),
      SuppressionScopes.cart(POISONED, loneSurrogateCart),
    ];
    await sut.publisher.publish(Contracts.suppression, [
      suppression({ scope: scopes[0]!, cartId: nulCart, customerId: nulCustomer, reason: 'order_completed' }),
      suppression({ scope: scopes[1]!, customerId: nulCustomer, reason: 'consent_withdrawn' }),
      suppression({ scope: scopes[2]!, reason: 'sms_stop' }),
      suppression({ scope: scopes[3]!, cartId: loneSurrogateCart, reason: 'order_completed' }),
    ]);
    const unstorable = [
      abandonment(POISONED, nulCart),
      abandonment(POISONED, loneSurrogateCart),
      abandonment(POISONED, 'cart-withdrawn', nulCustomer),
    ];
    // What the driver would have made of the lone surrogate: another cart, not suppressed.
    const lookalike = abandonment(POISONED, 'x\uFFFD');
    const ordinary = abandonment(ORDINARY, 'cart-ok');
    // Written as they stand, past the producer's contract check (which refuses U+0000 in a customer id).
    await sut.publisher.sendMessages(
      [...unstorable, lookalike, ordinary].map((a) => {
        const standIn = { ...a, customer: { ...a.customer, id: a.customer.id === undefined ? undefined : 'stand-in' } };
        return { ...sut.publisher.message(Contracts.abandonment, standIn), value: JSON.stringify(a) };
      }),
    );

    // Everyone else's touches are dispatched.
    await pollUntil(() => dispatched(ORDINARY, 'cart-ok').length === 1, {
      description: "the ordinary shopper's touch",
    });
    await pollUntil(() => dispatched(POISONED, 'x\uFFFD').length === 1, { description: "the look-alike cart's touch" });

    // Every poison suppression is recorded, escaped, under its own scope.
    const stored: unknown[] = await sut.app
      .get(DataSource)
      .query('SELECT scope FROM suppressions WHERE scope = ANY($1)', [scopes.map(storableText)]);
    expect(stored).toHaveLength(scopes.length);

    // The abandonments Postgres (or, for a customer id, the contract) refuses are dead-lettered with the
    // reason, none retried; no suppression is.
    const dead = await pollUntil(
      () => {
        const records = sut.recordsOn(deadLetterTopicSpec('scheduler').name);
        return records.length >= unstorable.length && records;
      },
      { description: 'the unstorable abandonments in the DLQ' },
    );
    expect(dead.map((r) => (r.value as Abandonment).abandonmentId).sort()).toEqual(
      unstorable.map((a) => a.abandonmentId).sort(),
    );
    for (const record of dead) {
      expect(record.headers).toMatchObject({
        'x-reclaim-dlq-kind': 'permanent',
        'x-reclaim-dlq-error-code': 'INVALID_INPUT',
      });
      expect(record.headers['x-reclaim-dlq-reason']).toMatch(/SQLSTATE 22\w{3}|must not contain control characters/);
    }
    for (const a of unstorable) expect(dispatched(a.storeId, a.cartId)).toHaveLength(0);
    expect(await retried()).toBe(0);
  });
});
