import { Contracts, deadLetterTopicSpec, SuppressionScopes, type Suppression, type TouchDue } from '@reclaim/contracts';
import { kafkaMetrics, topicFor } from '@reclaim/kafka';
import { storableText } from '@reclaim/persistence';
import { SuppressionView } from '@reclaim/suppression';
import { collectTopics, pollUntil, SmtpCapture, type ConsumedRecord } from '@reclaim/testing';
import { deliveriesOf, emailTouch, startEmailApp, type EmailTestApp } from './email-test-app';

/**
 * Records PostgreSQL refuses (U+0000) or would merge (lone surrogates: the driver writes U+FFFD),
 * published straight to the topics as if ingestion had let them through. Run at the shipped
 * defaults (barrier timeout 10 s): nothing may block anyone else's email.
 */
/**
 * Publishes a touch as a record that reached the topic anyway — written by something that does not
 * validate against the contract (the producer side refuses U+0000 in a customer id): the record is
 * built from a valid stand-in, then its value is replaced by the touch exactly as given.
 */
async function publishRaw(t: EmailTestApp, touch: TouchDue): Promise<void> {
  const standIn = {
    ...touch,
    customer: { ...touch.customer, id: touch.customer.id === undefined ? undefined : 'stand-in' },
  };
  const message = t.publisher.message(Contracts.touchEmail, standIn);
  await t.publisher.sendMessages([{ ...message, value: JSON.stringify(touch) }]);
}

describe('email service: poison records', () => {
  const POISONED = 'store-poisoned';
  const ORDINARY = 'store-ordinary';
  let smtp: SmtpCapture;
  let t: EmailTestApp;
  let dlq: { records: ConsumedRecord[]; stop(): Promise<void> };

  beforeAll(async () => {
    smtp = await new SmtpCapture().start();
    t = await startEmailApp('email-poison', smtp.url);
    dlq = await collectTopics(t.kafka, [topicFor(t.settings, deadLetterTopicSpec('email').name)]);
  });

  afterAll(async () => {
    await dlq?.stop();
    await t?.close();
    await smtp?.stop();
  });

  const suppression = (over: Partial<Suppression> & Pick<Suppression, 'scope' | 'reason'>): Suppression => ({
    storeId: POISONED,
    sourceEventId: `evt-\u0000-${over.scope.length}`,
    suppressedAt: new Date().toISOString(),
    ...over,
  });

  const retried = async (group: string) => {
    const { values } = await kafkaMetrics.messages.get();
    return values
      .filter((v) => v.labels['group'] === group && v.labels['outcome'] === 'retried')
      .reduce((sum, v) => sum + v.value, 0);
  };

  const dlqOf = (touchId: string) =>
    dlq.records.find((r) => (r.value as { touchId?: string } | null)?.touchId === touchId);

  it('stops the poisoned shoppers for their own scopes only, dead-letters what cannot be stored, and blocks nobody', async () => {
    const nulCart = 'c\u0000x';
    const loneSurrogateCart = 'x\uD800';
    const nulCustomer = 'u\u0000x';
    const nulPhone = '+1555\u00000100';
    const yearZeroCustomer = 'cust-year-zero';
    await t.publisher.sendAtomically([
      // an order.completed for a cart whose id holds U+0000
      t.publisher.message(
        Contracts.suppression,
        suppression({
          scope: SuppressionScopes.cart(POISONED, nulCart),
          cartId: nulCart,
          customerId: nulCustomer,
          reason: 'order_completed',
        }),
      ),
      // a consent withdrawal for a customer id with U+0000
      t.publisher.message(
        Contracts.suppression,
        suppression({
          scope: SuppressionScopes.consent('email', POISONED, { kind: 'customer', value: nulCustomer }),
          customerId: nulCustomer,
          reason: 'consent_withdrawn',
        }),
      ),
      // an SMS STOP from a phone number with U+0000
      t.publisher.message(
        Contracts.suppression,
        suppression({ scope: SuppressionScopes.sms(POISONED, nulPhone), reason: 'sms_stop' }),
      ),
      // an order for a cart whose id ends in a lone surrogate
      t.publisher.message(
        Contracts.suppression,
        suppression({
          scope: SuppressionScopes.cart(POISONED, loneSurrogateCart),
          cartId: loneSurrogateCart,
          reason: 'order_completed',
        }),
      ),
      // a time PostgreSQL does not know (year 0): the scope is kept, fail closed
      t.publisher.message(
        Contracts.suppression,
        suppression({
          scope: SuppressionScopes.customer(POISONED, yearZeroCustomer),
          customerId: yearZeroCustomer,
          reason: 'order_completed',
          suppressedAt: '0000-01-01T00:00:00Z',
        }),
      ),
    ]);

    const poisoned: Record<string, TouchDue> = {
      orderedNulCart: emailTouch({ storeId: POISONED, cartId: nulCart }),
      withdrawnNulCustomer: emailTouch({ storeId: POISONED, cartId: 'cart-withdrawn' }),
      orderedLoneSurrogate: emailTouch({ storeId: POISONED, cartId: loneSurrogateCart }),
      yearZeroOrder: emailTouch({ storeId: POISONED, cartId: 'cart-year-zero' }),
    };
    poisoned['withdrawnNulCustomer']!.customer.id = nulCustomer;
    poisoned['yearZeroOrder']!.customer.id = yearZeroCustomer;
    // Not suppressed, but its cart id cannot be stored: a poison touch of its own.
    const unstorable = emailTouch({ storeId: POISONED, cartId: 'n\u0000' });
    // Its cart id is what the driver would have turned the lone surrogate into: not the same cart.
    const lookalike = emailTouch({ storeId: POISONED, cartId: 'x\uFFFD' });
    const ordinary = emailTouch({ storeId: ORDINARY });
    for (const touch of [...Object.values(poisoned), unstorable, lookalike, ordinary]) await publishRaw(t, touch);

    // (b) The ordinary shopper of another store gets email 1, at its first attempt.
    const [mail] = await pollUntil(
      () => smtp.to(ordinary.customer.email!).length > 0 && smtp.to(ordinary.customer.email!),
      {
        description: "the ordinary shopper's email",
      },
    );
    expect(mail!.mail.subject).toContain('Linen Shirt');
    await pollUntil(() => deliveriesOf(t, ordinary.touchId).some((d) => d.status === 'sent'), {
      description: "the ordinary touch's sent delivery",
    });
    const [row] = await t.sql('SELECT status, attempts FROM email.send_ledger WHERE touch_id = $1', [ordinary.touchId]);
    expect(row).toMatchObject({ status: 'sent', attempts: 1 });
    await pollUntil(() => smtp.to(lookalike.customer.email!).length === 1, {
      description: 'the look-alike cart is mailed',
    });

    // (a) The poisoned shoppers receive nothing: suppressed (skipped), or dead-lettered unsent.
    const outcome = (touch: TouchDue) =>
      pollUntil(
        () =>
          deliveriesOf(t, touch.touchId).find((d) => d.status !== 'sent') ??
          (dlqOf(touch.touchId) ? { status: 'dead-lettered', reason: undefined } : undefined),
        { description: `the outcome of ${touch.touchId}` },
      );
    // A customer id holding U+0000 breaks the touch contract itself: refused as unreadable, unsent.
    expect(await outcome(poisoned['withdrawnNulCustomer']!)).toMatchObject({ status: 'dead-lettered' });
    expect(await outcome(poisoned['orderedLoneSurrogate']!)).toMatchObject({
      status: 'skipped',
      reason: 'suppressed:order_completed',
    });
    expect(await outcome(poisoned['yearZeroOrder']!)).toMatchObject({
      status: 'skipped',
      reason: 'suppressed:order_completed',
    });
    // The cart id itself cannot be stored in the ledger: refused for good, never sent.
    expect(await outcome(poisoned['orderedNulCart']!)).toMatchObject({ status: 'dead-lettered' });
    for (const touch of Object.values(poisoned)) expect(smtp.to(touch.customer.email!)).toHaveLength(0);

    // (c) Nothing retries forever: the unstorable touch is dead-lettered with its reason, at once.
    const dead = await pollUntil(() => dlqOf(unstorable.touchId), { description: 'the unstorable touch in the DLQ' });
    expect(dead.headers).toMatchObject({
      'x-reclaim-dlq-kind': 'permanent',
      'x-reclaim-dlq-error-code': 'INVALID_INPUT',
    });
    expect(dead.headers['x-reclaim-dlq-reason']).toContain('SQLSTATE 22021');
    expect(smtp.to(unstorable.customer.email!)).toHaveLength(0);

    // The view passed every poison suppression: each is stored (escaped) and the barrier catches up.
    const view = t.app.get(SuppressionView);
    await view.catchUp();
    const stored = await t.sql('SELECT scope FROM email.suppressions WHERE scope = ANY($1)', [
      [
        SuppressionScopes.cart(POISONED, nulCart),
        SuppressionScopes.consent('email', POISONED, { kind: 'customer', value: nulCustomer }),
        SuppressionScopes.sms(POISONED, nulPhone),
        SuppressionScopes.cart(POISONED, loneSurrogateCart),
        SuppressionScopes.customer(POISONED, yearZeroCustomer),
      ].map(storableText),
    ]);
    expect(stored).toHaveLength(5);
    // Only the suppression whose time PostgreSQL refuses is dead-lettered (after its scope was kept).
    const deadSuppressions = dlq.records.filter((r) => (r.value as Suppression | null)?.scope);
    expect(deadSuppressions.map((r) => (r.value as Suppression).scope)).toEqual([
      SuppressionScopes.customer(POISONED, yearZeroCustomer),
    ]);
    expect(deadSuppressions[0]!.headers['x-reclaim-dlq-reason']).toContain('SQLSTATE 22008');

    // No consumer of this service retried anything: no partition waited on a poison record.
    expect(await retried('reclaim.email')).toBe(0);
    expect(await retried(view.groupId)).toBe(0);
  });
});
