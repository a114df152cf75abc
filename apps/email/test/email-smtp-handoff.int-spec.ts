import { Contracts, SuppressionScopes, type TouchDue } from '@reclaim/contracts';
import { SuppressionView } from '@reclaim/suppression';
import { pollUntil, SmtpCapture, type SmtpEvent } from '@reclaim/testing';
import { EmailDeliveryService } from '../src/delivery/email-delivery.service';
import { deliveriesOf, emailTouch, publishTouch, startEmailApp, type EmailTestApp } from './email-test-app';

/**
 * ADR 0005: the last suppression check sits after the SMTP connection is up (connect, greeting,
 * EHLO) and right before the message is handed over (MAIL FROM). The SMTP server holds its
 * greeting — a slow server — while the test looks at what the service has done so far; the
 * service's suppression checks and the server's events go onto one timeline, in the order they
 * happened (no clocks compared).
 */
type Step = SmtpEvent | { kind: 'suppression_check'; cartId: string; suppressed: boolean };

describe(`${EmailDeliveryService.name} hands a message to SMTP right after its suppression check`, () => {
  const timeline: Step[] = [];
  const smtp = new SmtpCapture({ onEvent: (event) => timeline.push(event) });
  let t: EmailTestApp;

  beforeAll(async () => {
    await smtp.start();
    t = await startEmailApp('email-handoff', smtp.url);
    // Observe (not replace) the barrier's verdicts: each one lands on the timeline when it is made.
    const view = t.app.get(SuppressionView, { strict: false });
    const isSuppressed = view.isSuppressed.bind(view);
    view.isSuppressed = async (recipient) => {
      const verdict = await isSuppressed(recipient);
      timeline.push({ kind: 'suppression_check', cartId: recipient.cartId ?? '', suppressed: verdict.suppressed });
      return verdict;
    };
  });

  afterAll(async () => {
    await t?.close();
    await smtp.stop();
  });

  const checksFor = (touch: TouchDue) =>
    timeline.filter(
      (s): s is Extract<Step, { kind: 'suppression_check' }> =>
        s.kind === 'suppression_check' && s.cartId === touch.cartId,
    );
  const indexOf = (step: Step | undefined) => (step ? timeline.indexOf(step) : -1);
  /** Checks made after the service's latest SMTP connection opened (an early, cheap check may come before it). */
  const checksSinceConnect = (touch: TouchDue) => {
    const connect = timeline.findLastIndex((s) => s.kind === 'connect');
    return checksFor(touch).filter((c) => indexOf(c) > connect);
  };

  /** What ingestion writes for an order.completed before it answers 202: the cart's suppression, committed. */
  const orderCompleted = (touch: TouchDue) =>
    t.publisher.sendAtomically([
      t.publisher.message(Contracts.suppression, {
        scope: SuppressionScopes.cart(touch.storeId, touch.cartId),
        storeId: touch.storeId,
        cartId: touch.cartId,
        reason: 'order_completed',
        sourceEventId: `order-${touch.cartId}`,
        suppressedAt: new Date().toISOString(),
      }),
    ]);

  it('checks suppressions only once the connection is up, then sends at once', async () => {
    const touch = emailTouch();
    const held = smtp.holdGreetings();
    try {
      await publishTouch(t, touch);
      await pollUntil(() => held.waiting() === 1, { description: 'the service connecting to SMTP' });
      // Connected, still waiting for the greeting: the deciding check has not been made yet (the
      // service may have checked once before connecting, to skip a bought cart cheaply).
      expect(checksSinceConnect(touch)).toEqual([]);
    } finally {
      held.release();
    }
    await pollUntil(() => deliveriesOf(t, touch.touchId).some((d) => d.status === 'sent'), {
      description: 'the sent delivery',
    });

    const [handoff] = smtp.handoffs.filter((h) => h.to.includes(touch.customer.email!));
    expect(smtp.handoffs.filter((h) => h.to.includes(touch.customer.email!))).toHaveLength(1);
    const session = handoff!.session;
    const greeting = timeline.find((s) => s.kind === 'greeting' && s.session === session);
    const mailFrom = timeline.find((s) => s.kind === 'mail_from' && s.session === session);
    const check = checksFor(touch).at(-1);
    // greeting (EHLO follows) → suppression check → MAIL FROM, on the connection that carried the message.
    expect(check).toMatchObject({ suppressed: false });
    expect(indexOf(greeting)).toBeGreaterThanOrEqual(0);
    expect(indexOf(check)).toBeGreaterThan(indexOf(greeting));
    expect(indexOf(mailFrom)).toBeGreaterThan(indexOf(check));
  });

  it('does not send when the order is acknowledged while the SMTP server is slow to greet', async () => {
    const touch = emailTouch();
    // The server drops its idle connections, so the service's pooled one is dead and a new one is needed.
    smtp.closeConnections();
    const from = timeline.length;
    const held = smtp.holdGreetings();
    try {
      await publishTouch(t, touch);
      await pollUntil(() => held.waiting() === 1, { description: 'the service connecting to SMTP' });
      await orderCompleted(touch); // acknowledged by Kafka: from here on ingestion may answer 202
    } finally {
      held.release();
    }
    const delivery = await pollUntil(() => deliveriesOf(t, touch.touchId).find((d) => d.status === 'skipped'), {
      description: 'the skipped delivery',
    });
    expect(delivery.reason).toBe('suppressed:order_completed');
    // Cleared before connecting, stopped by the check made once the connection was up.
    expect(checksFor(touch).map((c) => c.suppressed)).toEqual([false, true]);
    // The connection was opened and carried not a word about the message (it waits, idle, in the pool).
    const session = timeline.slice(from).find((s): s is SmtpEvent => s.kind === 'connect')?.session;
    expect(session).toBeDefined();
    expect(timeline.filter((s) => 'session' in s && s.session === session).map((s) => s.kind)).toEqual([
      'connect',
      'greeting',
    ]);
    expect(smtp.handoffs.filter((h) => h.to.includes(touch.customer.email!))).toEqual([]);
    const [row] = await t.sql('SELECT status, attempts FROM email.send_ledger WHERE touch_id = $1', [touch.touchId]);
    expect(row).toMatchObject({ status: 'skipped' });
  });

  const sentOn = async (touch: TouchDue) => {
    await pollUntil(() => deliveriesOf(t, touch.touchId).some((d) => d.status === 'sent'), {
      description: 'the sent delivery',
    });
    const handoffs = smtp.handoffs.filter((h) => h.to.includes(touch.customer.email!));
    expect(handoffs).toHaveLength(1);
    return handoffs[0]!.session;
  };

  it('reuses a connection that carried a message, checking suppressions after the previous message and before the next', async () => {
    const first = emailTouch();
    await publishTouch(t, first);
    const session = await sentOn(first);
    const second = emailTouch();
    await publishTouch(t, second);
    expect(await sentOn(second)).toBe(session);

    const onSession = (kind: SmtpEvent['kind']) =>
      timeline.filter((s): s is SmtpEvent => s.kind === kind && 'session' in s && s.session === session);
    const firstAccepted = onSession('data_accepted').at(-2);
    const secondMailFrom = onSession('mail_from').at(-1);
    const check = checksFor(second).at(-1);
    expect(check).toMatchObject({ suppressed: false });
    expect(indexOf(check)).toBeGreaterThan(indexOf(firstAccepted));
    expect(indexOf(secondMailFrom)).toBeGreaterThan(indexOf(check));
  });

  it('replaces a pooled connection the server has closed before the check, and sends once', async () => {
    const first = emailTouch();
    await publishTouch(t, first);
    const old = await sentOn(first);
    smtp.closeConnections();
    await pollUntil(() => timeline.some((s) => s.kind === 'close' && 'session' in s && s.session === old), {
      description: 'the server closing the pooled connection',
    });
    const next = emailTouch();
    await publishTouch(t, next);
    expect(await sentOn(next)).not.toBe(old);
    expect(deliveriesOf(t, next.touchId).filter((d) => d.status !== 'sent')).toEqual([]);
  });
});
