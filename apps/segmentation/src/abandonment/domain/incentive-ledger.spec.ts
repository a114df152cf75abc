import type { Abandonment, DeliveryStatus, PlannedTouch } from '@reclaim/contracts';
import { DeliveryStatuses } from '@reclaim/contracts';
import {
  cooldownStart,
  incentiveOutcome,
  lastCountingIncentiveAt,
  willBeSuperseded,
  PLANNED,
  plannedIncentives,
  settle,
  type IncentiveSettlement,
  type TouchOutcome,
} from './incentive-ledger';

const t = (iso: string) => new Date(`2026-03-${iso}Z`);
const outcome = (status: DeliveryStatus, at: string, reason?: string): TouchOutcome => ({ status, at: t(at), reason });
const fold = (outcomes: TouchOutcome[]): IncentiveSettlement => outcomes.reduce(settle, PLANNED);

/** Every ordering of a list (small lists only). */
function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((p) => [item, ...p]),
  );
}

describe(incentiveOutcome.name, () => {
  it.each<[DeliveryStatus, string]>([
    ['sent', 'delivered'],
    ['unknown', 'delivered'],
    ['bounced', 'delivered'],
    ['clicked', 'delivered'],
    ['cancelled', 'released'],
    ['skipped', 'released'],
    ['failed', 'released'],
  ])('%s → %s', (status, expected) => {
    expect(incentiveOutcome(status)).toBe(expected);
  });

  it('decides for every delivery status of the contract', () => {
    for (const status of DeliveryStatuses) expect(['delivered', 'released']).toContain(incentiveOutcome(status));
  });
});

describe(settle.name, () => {
  it('releases a planned incentive whose touch was cancelled, keeping the reason', () => {
    expect(settle(PLANNED, outcome('cancelled', '02T10:00:00', 'order_completed'))).toEqual({
      status: 'released',
      settledAt: t('02T10:00:00'),
      deliveryStatus: 'cancelled',
      reason: 'order_completed',
    });
  });

  it('marks a sent one delivered at the moment it went out', () => {
    expect(settle(PLANNED, outcome('sent', '03T09:00:00'))).toMatchObject({
      status: 'delivered',
      settledAt: t('03T09:00:00'),
      deliveryStatus: 'sent',
    });
  });

  it('never releases a sent incentive, whatever arrives after it', () => {
    const sent = settle(PLANNED, outcome('sent', '03T09:00:00'));
    for (const late of ['cancelled', 'skipped', 'failed'] as const) {
      expect(settle(sent, outcome(late, '03T09:00:01', 'late'))).toBe(sent);
      expect(settle(sent, outcome(late, '03T08:00:00', 'reported out of order'))).toBe(sent);
    }
  });

  it('counts a send reported after a failed attempt (sent wins)', () => {
    const failed = settle(PLANNED, outcome('failed', '03T09:00:00', 'smtp_550'));
    expect(settle(failed, outcome('sent', '03T09:05:00'))).toMatchObject({
      status: 'delivered',
      deliveryStatus: 'sent',
    });
  });

  it('changes nothing on a redelivered report', () => {
    const released = settle(PLANNED, outcome('skipped', '03T09:00:00', 'quiet_hours_stale'));
    expect(settle(released, outcome('skipped', '03T09:00:00', 'quiet_hours_stale'))).toBe(released);
    const sent = settle(PLANNED, outcome('sent', '03T09:00:00'));
    expect(settle(sent, outcome('sent', '03T09:00:00'))).toBe(sent);
  });

  it('keeps the earliest evidence of a send (a click days later does not move the cooldown)', () => {
    const sent = settle(PLANNED, outcome('sent', '03T09:00:00'));
    expect(settle(sent, outcome('clicked', '05T20:00:00'))).toBe(sent);
    const clickedFirst = settle(PLANNED, outcome('clicked', '05T20:00:00'));
    expect(settle(clickedFirst, outcome('sent', '03T09:00:00'))).toMatchObject({ settledAt: t('03T09:00:00') });
  });

  it('ends in the same state whatever order the reports arrive in', () => {
    const reports = [
      outcome('failed', '03T09:00:00', 'smtp_550'),
      outcome('unknown', '03T09:01:00', 'interrupted_while_sending'),
      outcome('sent', '03T09:02:00'),
      outcome('cancelled', '03T09:03:00', 'order_completed'),
    ];
    const results = permutations(reports).map(fold);
    for (const result of results) expect(result).toEqual(results[0]);
    expect(results[0]).toMatchObject({ status: 'delivered', deliveryStatus: 'unknown', settledAt: t('03T09:01:00') });

    const releases = [outcome('skipped', '03T09:00:00', 'capped'), outcome('cancelled', '03T08:00:00', 'superseded')];
    const released = permutations(releases).map(fold);
    for (const result of released) expect(result).toEqual(released[0]);
    expect(released[0]).toMatchObject({ status: 'released', reason: 'superseded' });
  });
});

describe(cooldownStart.name, () => {
  const issuedAt = t('01T12:00:00');

  it('counts a pending incentive from when it was planned', () => {
    expect(cooldownStart({ issuedAt, settlement: PLANNED })).toEqual(issuedAt);
  });

  it('counts a delivered one from when it went out', () => {
    const settlement = settle(PLANNED, outcome('sent', '03T12:00:00'));
    expect(cooldownStart({ issuedAt, settlement })).toEqual(t('03T12:00:00'));
  });

  it('never counts a delivered one from before it was planned (a skewed channel clock)', () => {
    const settlement = settle(PLANNED, outcome('sent', '01T11:59:00'));
    expect(cooldownStart({ issuedAt, settlement })).toEqual(issuedAt);
  });

  it('does not count a released one', () => {
    const settlement = settle(PLANNED, outcome('cancelled', '02T12:00:00', 'order_completed'));
    expect(cooldownStart({ issuedAt, settlement })).toBeUndefined();
  });
});

describe(lastCountingIncentiveAt.name, () => {
  it('is the latest start among the incentives that still count', () => {
    expect(
      lastCountingIncentiveAt([
        { issuedAt: t('01T00:00:00'), settlement: settle(PLANNED, outcome('sent', '03T00:00:00')), owner: null },
        {
          issuedAt: t('10T00:00:00'),
          settlement: settle(PLANNED, outcome('cancelled', '11T00:00:00', 'x')),
          owner: null,
        },
        { issuedAt: t('02T00:00:00'), settlement: PLANNED, owner: null },
      ]),
    ).toEqual(t('03T00:00:00'));
  });

  it('is undefined when every incentive was released, or there were none', () => {
    expect(
      lastCountingIncentiveAt([
        {
          issuedAt: t('10T00:00:00'),
          settlement: settle(PLANNED, outcome('skipped', '11T00:00:00', 'capped')),
          owner: null,
        },
      ]),
    ).toBeUndefined();
    expect(lastCountingIncentiveAt([])).toBeUndefined();
  });

  describe('with the abandonment being planned', () => {
    const owner = (cartId: string, shopper: string, lastActivity: string) => ({
      cartId,
      shopperKey: shopper,
      lastActivityAt: t(lastActivity),
    });
    const pending = (o: ReturnType<typeof owner> | null) => ({
      issuedAt: t('05T10:00:00'),
      settlement: PLANNED,
      owner: o,
    });
    const arriving = owner('cart-new', 'customer:s1:u1', '05T10:30:00');

    it('leaves out a pending incentive of a sequence it supersedes: another cart of the shopper, touched earlier', () => {
      expect(
        lastCountingIncentiveAt([pending(owner('cart-old', 'customer:s1:u1', '05T09:00:00'))], arriving),
      ).toBeUndefined();
      expect(willBeSuperseded(pending(owner('cart-old', 'customer:s1:u1', '05T09:00:00')), arriving)).toBe(true);
    });

    it('leaves out the pending incentive of the same cart’s paused sequence', () => {
      const sameCart = owner('cart-new', 'contact:email:s1:ann@example.com', '05T09:00:00');
      expect(lastCountingIncentiveAt([pending(sameCart)], arriving)).toBeUndefined();
    });

    it('keeps counting a pending incentive of a cart touched later, of another shopper key, or of unknown owner', () => {
      expect(lastCountingIncentiveAt([pending(owner('cart-x', 'customer:s1:u1', '05T11:00:00'))], arriving)).toEqual(
        t('05T10:00:00'),
      );
      expect(lastCountingIncentiveAt([pending(owner('cart-x', 'customer:s1:u2', '05T09:00:00'))], arriving)).toEqual(
        t('05T10:00:00'),
      );
      expect(lastCountingIncentiveAt([pending(null)], arriving)).toEqual(t('05T10:00:00'));
    });

    it('keeps counting one that was delivered, whoever supersedes its sequence', () => {
      const sent = {
        issuedAt: t('05T08:00:00'),
        settlement: settle(PLANNED, outcome('sent', '05T08:30:00')),
        owner: owner('cart-old', 'customer:s1:u1', '05T07:00:00'),
      };
      expect(lastCountingIncentiveAt([sent], arriving)).toEqual(t('05T08:30:00'));
    });
  });
});

describe(plannedIncentives.name, () => {
  const touch = (sequence: number, incentive: PlannedTouch['incentive']): PlannedTouch => ({
    touchId: `touch-${sequence}`,
    sequence,
    channel: 'email',
    offsetMs: sequence * 3_600_000,
    template: 'reminder',
    incentive,
  });
  const abandonment = (customer: Abandonment['customer'], plan: PlannedTouch[]): Abandonment => ({
    abandonmentId: 'ab-1',
    storeId: 's1',
    cartId: 'c1',
    stage: 'cart',
    segment: 'cart-abandoner',
    holdout: false,
    customer,
    consent: { email: true, sms: false, push: false },
    cart: { currency: 'EUR', items: [], value: 0 },
    lastActivityAt: '2026-03-01T11:00:00.000Z',
    abandonedAt: '2026-03-01T12:00:00.000Z',
    plan,
  });
  const issuedAt = t('01T12:00:00');

  it('records the touch that carries the incentive, so its delivery can settle it', () => {
    const a = abandonment({ id: 'u1', email: 'Ann@Example.com' }, [
      touch(1, 'none'),
      touch(2, 'none'),
      touch(3, 'free_shipping'),
    ]);
    expect(plannedIncentives(a, issuedAt)).toEqual([
      {
        storeId: 's1',
        subjects: ['customer:u1', 'email:ann@example.com'],
        abandonmentId: 'ab-1',
        touchId: 'touch-3',
        sequence: 3,
        incentive: 'free_shipping',
        issuedAt,
        // The sequence it rides on, ranked as the scheduler ranks a shopper's sequences.
        owner: { cartId: 'c1', shopperKey: 'customer:s1:u1', lastActivityAt: new Date('2026-03-01T11:00:00.000Z') },
      },
    ]);
  });

  it('records each incentive touch of a plan that has several', () => {
    const a = abandonment({ id: 'u1' }, [touch(1, 'none'), touch(2, 'percent_10'), touch(3, 'free_shipping')]);
    expect(plannedIncentives(a, issuedAt).map((p) => [p.touchId, p.incentive])).toEqual([
      ['touch-2', 'percent_10'],
      ['touch-3', 'free_shipping'],
    ]);
  });

  it('records nothing without an incentive or without an identity to remember it by', () => {
    expect(plannedIncentives(abandonment({ id: 'u1' }, [touch(1, 'none')]), issuedAt)).toEqual([]);
    expect(plannedIncentives(abandonment({}, [touch(3, 'percent_10')]), issuedAt)).toEqual([]);
  });
});
