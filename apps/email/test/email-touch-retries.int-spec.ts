import { cartKey, Topics, type TouchDue } from '@reclaim/contracts';
import { topicFor } from '@reclaim/kafka';
import { collectTopics, partitionForKey, pollUntil, SmtpCapture } from '@reclaim/testing';
import { EmailDeliveryService } from '../src/delivery/email-delivery.service';
import { deliveriesOf, emailTouch, publishTouch, startEmailApp, type EmailTestApp } from './email-test-app';

const HOUR_MS = 3_600_000;
const MAX_ATTEMPTS = 6;

/**
 * Per-touch deadlines and retries from the send ledger (ADR 0006), against a real SMTP server.
 * One touch at a time per partition (EMAIL_CONCURRENCY=1), so a touch retried in place would hold
 * up everything behind it. TOUCH_MAX_AGE keeps its shipped default (24 h at RECOVERY_TIME_SCALE 1).
 */
describe(`${EmailDeliveryService.name}: deadlines and retries per touch`, () => {
  const smtp = new SmtpCapture();
  let t: EmailTestApp;
  let touches: Awaited<ReturnType<typeof collectTopics>>;

  beforeAll(async () => {
    await smtp.start();
    t = await startEmailApp('email-retries', smtp.url, {
      EMAIL_CONCURRENCY: '1',
      TOUCH_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
      TOUCH_RETRY_BASE: '250ms',
      TOUCH_RETRY_CAP: '4s',
      TOUCH_RETRY_POLL_INTERVAL_MS: '50',
    });
    touches = await collectTopics(t.kafka, [topicFor(t.settings, Topics.touchesEmail.name)]);
  });

  afterAll(async () => {
    await touches?.stop();
    await t?.close();
    await smtp.stop();
  });

  const ledgerRow = async (touchId: string) =>
    (
      await t.sql(
        'SELECT status, reason, attempts, retries, next_attempt_at FROM email.send_ledger WHERE touch_id = $1',
        [touchId],
      )
    )[0];

  it('skips a touch past its deadline (shipped default: a day) as expired, without contacting SMTP', async () => {
    const stale = emailTouch({ dueAt: new Date(Date.now() - 25 * HOUR_MS).toISOString() });
    const fresh = emailTouch({ dueAt: new Date(Date.now() - 23 * HOUR_MS).toISOString() });
    await publishTouch(t, stale);
    await pollUntil(() => deliveriesOf(t, stale.touchId).length > 0, { description: 'the stale touch answered' });
    expect(deliveriesOf(t, stale.touchId)).toEqual([expect.objectContaining({ status: 'skipped', reason: 'expired' })]);
    expect(smtp.events).toHaveLength(0); // no connection at all
    expect(await ledgerRow(stale.touchId)).toMatchObject({ status: 'skipped', reason: 'expired', attempts: 0 });

    // A day is the limit, not "old": one due 23 h ago still goes out.
    await publishTouch(t, fresh);
    await pollUntil(() => deliveriesOf(t, fresh.touchId).some((d) => d.status === 'sent'), {
      description: 'the touch within its deadline sent',
    });
    expect(smtp.to(fresh.customer.email!)).toHaveLength(1);
    expect(smtp.to(stale.customer.email!)).toHaveLength(0);
  });

  it('retries a recipient that keeps answering 4xx from the ledger until retries_exhausted, while the carts behind it on its partition go out', async () => {
    const poisoned = emailTouch({ email: `greylisted-${Date.now()}@example.com` });
    smtp.deferRecipient(poisoned.customer.email!, 1_000);
    await publishTouch(t, poisoned);
    // The carts published after it: 8 on its partition (whatever the topic's partition count), 16 anywhere.
    const partitionOf = (x: TouchDue) => partitionForKey(cartKey(x.storeId, x.cartId), Topics.touchesEmail.partitions);
    const sameAsPoisoned = () => {
      for (;;) {
        const o = emailTouch();
        if (partitionOf(o) === partitionOf(poisoned)) return o;
      }
    };
    const others = [...Array.from({ length: 8 }, sameAsPoisoned), ...Array.from({ length: 16 }, () => emailTouch())];
    for (const o of others) await publishTouch(t, o);

    // Its first refusal hands it to the ledger: pending, a next attempt set, one retry counted.
    const handed = await pollUntil(
      async () => {
        const row = await ledgerRow(poisoned.touchId);
        return row?.['status'] === 'pending' && row['next_attempt_at'] !== null && row;
      },
      { description: 'the refused touch waiting in the ledger' },
    );
    expect(handed).toMatchObject({ reason: 'smtp_451' });
    expect(Number(handed['retries'])).toBeGreaterThanOrEqual(1);

    const seenOn = (touchId: string) =>
      touches.records.find((r) => (r.value as { touchId?: string } | null)?.touchId === touchId)?.partition;
    await pollUntil(() => [poisoned, ...others].every((x) => seenOn(x.touchId) !== undefined), {
      description: 'every touch seen on the topic',
    });
    const behind = others.filter((o) => seenOn(o.touchId) === seenOn(poisoned.touchId));
    expect(behind.length).toBeGreaterThanOrEqual(8);

    // Every cart behind it is sent while the poisoned touch is still being retried.
    await pollUntil(() => behind.every((o) => deliveriesOf(t, o.touchId).some((d) => d.status === 'sent')), {
      description: 'the carts behind the poisoned touch sent',
    });
    expect(deliveriesOf(t, poisoned.touchId)).toHaveLength(0);

    const [final] = await pollUntil(
      () => deliveriesOf(t, poisoned.touchId).length > 0 && deliveriesOf(t, poisoned.touchId),
      {
        timeoutMs: 60_000,
        description: 'the poisoned touch settled',
      },
    );
    expect(final).toMatchObject({ status: 'failed', reason: 'retries_exhausted' });
    // Exactly the cap: every attempt reached the server and was turned away; none was sent.
    const refusals = smtp.deferred.filter((d) => d.address === poisoned.customer.email);
    expect(refusals).toHaveLength(MAX_ATTEMPTS);
    expect(smtp.to(poisoned.customer.email!)).toHaveLength(0);
    expect(await ledgerRow(poisoned.touchId)).toMatchObject({ status: 'failed', retries: MAX_ATTEMPTS });
    // Each cart behind it was sent before its last attempt.
    const lastRefusal = refusals[refusals.length - 1]!.at.getTime();
    for (const o of behind) expect(smtp.to(o.customer.email!)[0]!.receivedAt.getTime()).toBeLessThan(lastRefusal);
    // The waits between attempts were drawn, not fixed: not all the same length.
    const gaps = refusals.slice(1).map((r, i) => r.at.getTime() - refusals[i]!.at.getTime());
    expect(new Set(gaps.map((g) => Math.round(g / 20))).size).toBeGreaterThan(1);
  });
});
