import type { Channel, Suppression, TouchDue } from '@reclaim/contracts';
import type { Recipient, SuppressionVerdict } from '@reclaim/suppression';
import { HandoffTooLateError, ProviderUnavailableError, SuppressionCheckStaleError } from '../domain/handoff-errors';
import type { TouchOutcome } from '../domain/provider-outcome';
import { sourcesOf, type LedgerStatus } from '../domain/send-ledger';
import type { LedgerRow, SendLedger } from '../send-ledger.repository';
import { endWith, proceed, type ChannelAdapter, type Step } from './channel-adapter';
import {
  FRESH_CHECK_ROUNDS,
  HandoffPipeline,
  type HandoffPipelineDeps,
  type SuppressionBarrier,
} from './handoff-pipeline';

/**
 * ADR 0005, pinned once for every channel: the pipeline runs against typed in-memory stand-ins — a
 * ledger that follows the send-ledger state machine, a barrier on a manual clock, and one adapter
 * shaped like each channel — and every step lands on one journal, so the order is what is checked.
 * The integration and race specs prove the same on the real stack.
 */

const FRESHNESS_MS = 60;

class Journal {
  readonly steps: string[] = [];
  add(step: string): void {
    this.steps.push(step);
  }
}

/** The ledger's state machine (domain/send-ledger.ts) in a map: each move allowed only from its sources. */
class StateMachineLedger implements SendLedger {
  readonly rows = new Map<string, LedgerRow>();
  constructor(private readonly journal: Journal) {}

  private move(touchId: string, to: LedgerStatus, patch: Partial<LedgerRow> = {}): Promise<boolean> {
    const row = this.rows.get(touchId);
    if (!row || !sourcesOf(to).includes(row.status)) return Promise.resolve(false);
    Object.assign(row, { status: to, nextAttemptAt: null }, patch);
    this.journal.add(`ledger:${to}`);
    return Promise.resolve(true);
  }
  claim(touch: TouchDue): Promise<LedgerRow> {
    const existing = this.rows.get(touch.touchId);
    if (existing) return Promise.resolve(existing);
    const row: LedgerRow = {
      touchId: touch.touchId,
      abandonmentId: touch.abandonmentId,
      storeId: touch.storeId,
      cartId: touch.cartId,
      sequence: touch.sequence,
      status: 'pending',
      reason: null,
      attempts: 0,
      providerMessageId: null,
      retries: 0,
      nextAttemptAt: null,
      handoffStartedAt: null,
      segments: null,
    };
    this.rows.set(touch.touchId, row);
    this.journal.add('ledger:claim');
    return Promise.resolve(row);
  }
  find(touchId: string): Promise<LedgerRow | undefined> {
    return Promise.resolve(this.rows.get(touchId));
  }
  startSending(touchId: string): Promise<boolean> {
    return this.move(touchId, 'sending', { handoffStartedAt: new Date() });
  }
  markSent(touchId: string, providerMessageId: string): Promise<boolean> {
    return this.move(touchId, 'sent', { providerMessageId });
  }
  markSkipped(touchId: string, reason: string): Promise<boolean> {
    return this.move(touchId, 'skipped', { reason });
  }
  markFailed(touchId: string, reason: string): Promise<boolean> {
    return this.move(touchId, 'failed', { reason });
  }
  markUnknown(touchId: string, reason: string): Promise<boolean> {
    return this.move(touchId, 'unknown', { reason });
  }
  releaseForRetry(touchId: string, reason: string): Promise<boolean> {
    return this.move(touchId, 'pending', { reason });
  }
  async recordFailedAttempt(touchId: string, reason: string): Promise<void> {
    const row = this.rows.get(touchId);
    if (row?.status === 'pending') Object.assign(row, { attempts: row.attempts + 1, reason });
    this.journal.add('ledger:attempt_counted');
    return Promise.resolve();
  }
  scheduleAttempt(touchId: string, at: Date, reason: string, countRetry: boolean): Promise<boolean> {
    const row = this.rows.get(touchId);
    if (!row || (row.status !== 'pending' && row.status !== 'sending')) return Promise.resolve(false);
    Object.assign(row, { status: 'pending', nextAttemptAt: at, reason, retries: row.retries + (countRetry ? 1 : 0) });
    this.journal.add('ledger:retry_scheduled');
    return Promise.resolve(true);
  }
  async recordRefusal(touchId: string, reason: string): Promise<void> {
    await this.releaseForRetry(touchId, reason);
  }
  claimDueAttempts(): Promise<TouchDue[]> {
    return Promise.resolve([]);
  }
}

/** A barrier whose verdict is set by the test; each catch-up takes `catchUpMs` on the manual clock. */
class ManualBarrier implements SuppressionBarrier {
  suppressedAfterChecks = Number.POSITIVE_INFINITY;
  catchUpMs = 1;
  checks = 0;
  constructor(
    private readonly journal: Journal,
    private readonly clock: { now: number },
  ) {}
  catchUp(): Promise<number> {
    const startedAt = this.clock.now;
    this.clock.now += this.catchUpMs;
    return Promise.resolve(startedAt);
  }
  isSuppressed(_recipient: Recipient): Promise<SuppressionVerdict> {
    this.checks++;
    const suppressed = this.checks > this.suppressedAfterChecks;
    this.journal.add(`check:${suppressed ? 'suppressed' : 'clear'}`);
    return Promise.resolve(
      suppressed
        ? { suppressed: true, scope: 'cart:s:c', reason: 'order_completed', suppressedAt: new Date() }
        : { suppressed: false },
    );
  }
}

interface Script {
  target?: TouchOutcome;
  prepare?: TouchOutcome;
  open?: TouchOutcome;
  handOver?: TouchOutcome | 'too_late' | 'throws';
  /** Manual-clock ms the hand-off's preparation steps take. */
  openMs?: number;
}

/** One in-memory adapter per channel shape: what each step does is scripted, each call journaled. */
class ScriptedAdapter implements ChannelAdapter<string, string, { id: number }> {
  readonly freshnessMs = FRESHNESS_MS;
  script: Script = {};
  released: Array<{ reusable: boolean }> = [];
  private sessions = 0;
  constructor(
    readonly channel: Channel,
    private readonly journal: Journal,
    private readonly clock: { now: number },
    readonly withBeforeCheck: boolean,
  ) {}
  target(): Promise<Step<string>> {
    this.journal.add('target');
    return Promise.resolve(this.script.target ? endWith(this.script.target) : proceed('address'));
  }
  prepare(): Promise<Step<string>> {
    this.journal.add('prepare');
    return Promise.resolve(this.script.prepare ? endWith(this.script.prepare) : proceed('message'));
  }
  open(): Promise<Step<{ id: number }>> {
    this.journal.add('open');
    this.clock.now += this.script.openMs ?? 5;
    return Promise.resolve(this.script.open ? endWith(this.script.open) : proceed({ id: ++this.sessions }));
  }
  sendingColumns(): Record<string, string> {
    return {};
  }
  handOver(_s: { id: number }, _t: TouchDue, _target: string, _p: string, writeBy: number): Promise<TouchOutcome> {
    this.journal.add(`handOver(writeBy=${writeBy - this.clock.now}ms)`);
    const scripted = this.script.handOver ?? { kind: 'sent', providerMessageId: 'm-1' };
    if (scripted === 'too_late') return Promise.reject(new HandoffTooLateError('past the deadline'));
    if (scripted === 'throws') return Promise.reject(new Error('socket hang up'));
    return Promise.resolve(scripted);
  }
  release(_s: { id: number }, reusable: boolean): void {
    this.journal.add(`release(${reusable ? 'reusable' : 'closed'})`);
    this.released.push({ reusable });
  }
  beforeCheck(): Promise<void> {
    if (this.withBeforeCheck) this.journal.add('beforeCheck');
    return Promise.resolve();
  }
  afterOutcome(_t: TouchDue, _target: string, outcome: TouchOutcome): Promise<void> {
    if (outcome.kind === 'recipient_gone') this.journal.add('forget_address');
    return Promise.resolve();
  }
  afterAttempt(): Promise<void> {
    if (this.withBeforeCheck) this.journal.add('afterAttempt');
    return Promise.resolve();
  }
}

const touch = (channel: Channel): TouchDue => ({
  touchId: `touch-${channel}`,
  abandonmentId: 'ab-1',
  storeId: 's',
  cartId: 'c',
  channel,
  sequence: 1,
  template: 'reminder',
  incentive: 'none',
  segment: 'first_time',
  customer: { id: 'cust', email: 'ann@example.com', phone: '+441234567890' },
  cart: { currency: 'EUR', value: 100, items: [{ sku: 'a', title: 'A', quantity: 1, unitPrice: 100 }] },
  abandonedAt: new Date(Date.now() - 3_600_000).toISOString(),
  dueAt: new Date().toISOString(),
});

const silentLogger = { log: () => undefined, warn: () => undefined, error: () => undefined };

function pipelineFor(channel: Channel) {
  const journal = new Journal();
  const clock = { now: 1_000_000 };
  const ledger = new StateMachineLedger(journal);
  const barrier = new ManualBarrier(journal, clock);
  const published: Array<{ topic: string; payload: unknown }> = [];
  const publisher = {
    publish: (contract: { topic: { name: string } }, payloads: unknown[]) => {
      for (const payload of payloads) {
        published.push({ topic: contract.topic.name, payload });
        journal.add(`publish:${contract.topic.name}`);
      }
      return Promise.resolve();
    },
  } as unknown as HandoffPipelineDeps['publisher'];
  const adapter = new ScriptedAdapter(channel, journal, clock, channel === 'push');
  const pipeline = new HandoffPipeline(adapter, {
    ledger,
    suppressions: barrier,
    publisher,
    policy: { maxAttempts: 3, maxAgeMs: 86_400_000, retryBaseMs: 1_000, retryCapMs: 60_000, quietHours: undefined },
    storeZone: undefined,
    logger: silentLogger as never,
    clock: () => clock.now,
  });
  return { pipeline, adapter, ledger, barrier, journal, clock, published };
}

describe.each<Channel>(['email', 'sms', 'push'])('HandoffPipeline for %s (ADR 0005)', (channel) => {
  it('runs claim, early check, target, prepare, open, fresh check, sending, hand-off, record, report — in that order', async () => {
    const { pipeline, journal, ledger, published } = pipelineFor(channel);
    await pipeline.deliver(touch(channel));
    expect(journal.steps).toEqual([
      'ledger:claim',
      'check:clear',
      'target',
      'prepare',
      'open',
      ...(channel === 'push' ? ['beforeCheck'] : []),
      'check:clear',
      'ledger:sending',
      `handOver(writeBy=${FRESHNESS_MS - 1}ms)`,
      'ledger:sent',
      'publish:reclaim.deliveries.v1',
      'release(reusable)',
      ...(channel === 'push' ? ['afterAttempt'] : []),
    ]);
    expect(ledger.rows.get(`touch-${channel}`)).toMatchObject({ status: 'sent', providerMessageId: 'm-1' });
    expect(published).toHaveLength(1);
  });

  it('never hands over when the fresh check finds the order, and the unused session is kept', async () => {
    const { pipeline, journal, ledger, barrier } = pipelineFor(channel);
    barrier.suppressedAfterChecks = 1;
    await pipeline.deliver(touch(channel));
    expect(journal.steps.some((s) => s.startsWith('handOver'))).toBe(false);
    expect(journal.steps).not.toContain('ledger:sending');
    expect(ledger.rows.get(`touch-${channel}`)).toMatchObject({
      status: 'skipped',
      reason: 'suppressed:order_completed',
    });
    expect(journal.steps).toContain('release(reusable)');
  });

  it('skips a touch suppressed at the early check without preparing a message or opening a session', async () => {
    const { pipeline, journal, ledger, barrier } = pipelineFor(channel);
    barrier.suppressedAfterChecks = 0;
    await pipeline.deliver(touch(channel));
    expect(journal.steps).toEqual([
      'ledger:claim',
      'check:suppressed',
      'ledger:skipped',
      'publish:reclaim.deliveries.v1',
    ]);
    expect(ledger.rows.get(`touch-${channel}`)?.status).toBe('skipped');
  });

  it('checks again while a check takes longer than the freshness bound, and releases the touch when none was fresh', async () => {
    const { pipeline, journal, barrier } = pipelineFor(channel);
    barrier.catchUpMs = FRESHNESS_MS + 1;
    await expect(pipeline.deliver(touch(channel))).rejects.toBeInstanceOf(SuppressionCheckStaleError);
    // The early check, then FRESH_CHECK_ROUNDS checks each too slow: released, never handed over.
    expect(journal.steps.filter((s) => s === 'check:clear')).toHaveLength(1 + FRESH_CHECK_ROUNDS);
    expect(journal.steps.some((s) => s.startsWith('handOver'))).toBe(false);
    const sending = journal.steps.indexOf('ledger:sending');
    expect(journal.steps[sending + 1]).toBe('ledger:pending');
  });

  it('releases the touch and checks again when the adapter could not write before the deadline', async () => {
    const { pipeline, adapter, ledger } = pipelineFor(channel);
    adapter.script.handOver = 'too_late';
    await expect(pipeline.deliver(touch(channel))).rejects.toBeInstanceOf(SuppressionCheckStaleError);
    expect(ledger.rows.get(`touch-${channel}`)).toMatchObject({ status: 'pending', reason: 'suppression_check_stale' });
    // Redelivered: the touch goes out once.
    adapter.script.handOver = undefined;
    await pipeline.deliver(touch(channel));
    expect(ledger.rows.get(`touch-${channel}`)?.status).toBe('sent');
  });

  it('records `unknown` and never resends when the hand-off ends without an answer', async () => {
    const { pipeline, adapter, ledger, journal } = pipelineFor(channel);
    adapter.script.handOver = 'throws';
    await pipeline.deliver(touch(channel));
    expect(ledger.rows.get(`touch-${channel}`)).toMatchObject({ status: 'unknown' });
    expect(journal.steps).toContain('release(closed)');
    const before = journal.steps.length;
    await pipeline.deliver(touch(channel)); // redelivery: reported again, nothing sent
    expect(journal.steps.slice(before)).toEqual(['publish:reclaim.deliveries.v1']);
  });

  it('reports a touch found `sending` (a crash after the hand-off) as unknown, never sends it', async () => {
    const { pipeline, ledger, journal } = pipelineFor(channel);
    await ledger.claim(touch(channel));
    await ledger.startSending(`touch-${channel}`);
    await pipeline.deliver(touch(channel));
    expect(ledger.rows.get(`touch-${channel}`)?.status).toBe('unknown');
    expect(journal.steps.some((s) => s === 'open' || s.startsWith('handOver'))).toBe(false);
  });
});

describe('HandoffPipeline outcomes → ledger (one mapping for every channel)', () => {
  const stop: Suppression = {
    scope: 'email:s:ann@example.com',
    storeId: 's',
    reason: 'hard_bounce',
    sourceEventId: 'x',
    suppressedAt: new Date().toISOString(),
  };

  it.each<[string, Exclude<TouchOutcome, { kind: 'sent' }>, LedgerStatus]>([
    ['rejected', { kind: 'rejected', reason: 'smtp_550' }, 'failed'],
    ['recipient gone', { kind: 'recipient_gone', reason: 'subscription_gone:410' }, 'failed'],
    ['dead address', { kind: 'dead_address', reason: 'hard_bounce:5.1.1', stop }, 'failed'],
    ['unknown', { kind: 'unknown', reason: 'push_no_answer' }, 'unknown'],
  ])('%s after the hand-off → %s', async (_name, outcome, status) => {
    const { pipeline, adapter, ledger, journal } = pipelineFor('email');
    adapter.script.handOver = outcome;
    await pipeline.deliver(touch('email'));
    expect(ledger.rows.get('touch-email')).toMatchObject({ status, reason: outcome.reason });
    if (outcome.kind === 'dead_address') {
      // The stop is published before the row is settled (a crash in between republishes it).
      expect(journal.steps.indexOf('publish:reclaim.suppressions.v1')).toBeLessThan(
        journal.steps.indexOf('ledger:failed'),
      );
    }
    if (outcome.kind === 'recipient_gone') expect(journal.steps).toContain('forget_address');
  });

  it('retries a recipient that said "not now" from the ledger, and lets the partition move on', async () => {
    const { pipeline, adapter, ledger } = pipelineFor('sms');
    adapter.script.handOver = { kind: 'retry_later', scope: 'recipient', reason: 'http_429', retryAfterMs: 5_000 };
    await pipeline.deliver(touch('sms'));
    const row = ledger.rows.get('touch-sms');
    expect(row).toMatchObject({ status: 'pending', retries: 1, reason: 'http_429' });
    expect(row?.nextAttemptAt).not.toBeNull();
  });

  it('makes the partition wait when the provider is unavailable: after the write started it is released, before it the attempt is counted', async () => {
    const sending = pipelineFor('push');
    sending.adapter.script.handOver = { kind: 'retry_later', scope: 'provider', reason: 'push_service_503' };
    await expect(sending.pipeline.deliver(touch('push'))).rejects.toBeInstanceOf(ProviderUnavailableError);
    expect(sending.ledger.rows.get('touch-push')).toMatchObject({ status: 'pending', reason: 'push_service_503' });

    const opening = pipelineFor('email');
    opening.adapter.script.open = { kind: 'retry_later', scope: 'provider', reason: 'smtp_ECONNREFUSED' };
    await expect(opening.pipeline.deliver(touch('email'))).rejects.toBeInstanceOf(ProviderUnavailableError);
    expect(opening.ledger.rows.get('touch-email')).toMatchObject({ status: 'pending', attempts: 1 });
    expect(opening.journal.steps).not.toContain('ledger:sending');
  });

  it('ends a touch the adapter cannot address before any check of the deadline or content', async () => {
    const { pipeline, adapter, ledger, journal } = pipelineFor('sms');
    adapter.script.target = { kind: 'skipped', reason: 'no_phone_number' };
    await pipeline.deliver(touch('sms'));
    expect(ledger.rows.get('touch-sms')).toMatchObject({ status: 'skipped', reason: 'no_phone_number' });
    expect(journal.steps).not.toContain('prepare');
  });
});
