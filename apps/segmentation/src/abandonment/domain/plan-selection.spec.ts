import { HOUR_MS, DAY_MS } from '@reclaim/core';
import { decideIncentive, matches, selectAngle, selectPlan, selectSegment, type PlanInput } from './plan-selection';
import { RecoveryConfig } from './recovery-config';
import type { Signals } from './signals';

const config = RecoveryConfig.builtIn().defaults;
const abandonedAt = new Date('2026-03-01T12:00:00Z');

const unreachable = { reachable: false, consent: false, address: false };
const reachable = { reachable: true, consent: true, address: true };

function signals(partial: Partial<Signals> = {}): Signals {
  return {
    stage: 'checkout',
    checkoutStep: 'contact',
    checkoutError: null,
    shippingEstimateViewed: false,
    discountCodeUsed: false,
    device: 'desktop',
    country: 'FR',
    buyer: 'first_time',
    cartValue: 4900,
    currency: 'EUR',
    valueTier: 'mid',
    channels: { email: reachable, sms: unreachable, push: unreachable },
    ...partial,
  };
}

function input(partial: Partial<PlanInput> = {}): PlanInput {
  return {
    abandonmentId: 'a1',
    abandonedAt,
    signals: signals(),
    config,
    history: { lastIncentiveAt: undefined },
    hasIdentity: true,
    ...partial,
  };
}

describe(matches.name, () => {
  it('matches everything with an empty condition', () => {
    expect(matches({}, signals())).toBe(true);
  });

  it('requires every given condition', () => {
    expect(matches({ stage: ['checkout'], buyer: ['first_time'] }, signals())).toBe(true);
    expect(matches({ stage: ['checkout'], buyer: ['returning'] }, signals())).toBe(false);
  });

  it('understands any and none for checkout errors', () => {
    expect(matches({ checkoutError: ['any'] }, signals())).toBe(false);
    expect(matches({ checkoutError: ['none'] }, signals())).toBe(true);
    expect(matches({ checkoutError: ['any'] }, signals({ checkoutError: 'other' }))).toBe(true);
    expect(matches({ checkoutError: ['payment_declined'] }, signals({ checkoutError: 'other' }))).toBe(false);
  });

  it('matches device, country, discount, shipping view, value tier and reachability', () => {
    const s = signals({ device: null, country: null, discountCodeUsed: true, shippingEstimateViewed: true });
    expect(matches({ device: ['unknown'] }, s)).toBe(true);
    expect(matches({ country: ['FR'] }, s)).toBe(false);
    expect(matches({ discountCodeUsed: true, shippingEstimateViewed: true, valueTier: ['mid'] }, s)).toBe(true);
    expect(matches({ reachable: ['email'] }, s)).toBe(true);
    expect(matches({ reachable: ['email', 'sms'] }, s)).toBe(false);
  });
});

describe(selectSegment.name, () => {
  it('takes the first matching rule', () => {
    expect(selectSegment(config.segments, signals({ checkoutError: 'payment_declined', stage: 'payment' })).name).toBe(
      'checkout-payment-error',
    );
    expect(selectSegment(config.segments, signals({ stage: 'payment' })).name).toBe('checkout-abandoner');
    expect(selectSegment(config.segments, signals({ stage: 'cart', checkoutStep: null })).name).toBe('cart-abandoner');
  });
});

describe(selectAngle.name, () => {
  const sut = (s: Partial<Signals>) => selectAngle(config.angles, signals(s));

  it('steers to the checkout problem first', () => {
    expect(sut({ checkoutError: 'payment_declined', shippingEstimateViewed: true, valueTier: 'high' })).toBe(
      'payment_options',
    );
    expect(sut({ checkoutError: 'payment_method_unavailable' })).toBe('payment_options');
    expect(sut({ checkoutError: 'address_invalid' })).toBe('support');
  });

  it('leads with delivery after a shipping estimate view', () => {
    expect(sut({ shippingEstimateViewed: true, valueTier: 'high' })).toBe('delivery');
  });

  it('reassures high-ticket carts with returns, low-ticket with shipping clarity', () => {
    expect(sut({ valueTier: 'high', buyer: 'returning' })).toBe('returns');
    expect(sut({ valueTier: 'low', buyer: 'first_time' })).toBe('shipping_clarity');
  });

  it('tells first-time buyers about free returns, returning ones about delivery speed', () => {
    expect(sut({ buyer: 'first_time' })).toBe('returns');
    expect(sut({ buyer: 'returning' })).toBe('delivery');
    expect(sut({ buyer: 'unknown' })).toBe('delivery');
  });

  it('is none when no rule matches', () => {
    expect(selectAngle([], signals())).toBeUndefined();
  });
});

describe(decideIncentive.name, () => {
  const policy = config.incentives;
  const history = (lastIncentiveAt?: Date) => ({
    lastIncentiveAt,
    hasIdentity: true,
    abandonedAt,
    rotationKey: 'a1',
  });

  it('offers nothing on a touch configured without one', () => {
    expect(decideIncentive({ incentive: 'none' }, 3, signals(), policy, history())).toEqual({
      incentive: 'none',
      reason: 'not_offered',
    });
  });

  it('offers only from the configured touch on', () => {
    expect(decideIncentive({ incentive: 'percent_10' }, 2, signals(), policy, history())).toMatchObject({
      reason: 'too_early',
    });
    expect(decideIncentive({ incentive: 'percent_10' }, 3, signals(), policy, history())).toEqual({
      incentive: 'percent_10',
    });
  });

  it('offers only first-time buyers, unless the policy says otherwise', () => {
    for (const buyer of ['returning', 'unknown'] as const) {
      expect(decideIncentive({ incentive: 'free_shipping' }, 3, signals({ buyer }), policy, history())).toMatchObject({
        reason: 'not_first_time',
      });
    }
    const open = { ...policy, firstTimeBuyersOnly: false };
    expect(
      decideIncentive({ incentive: 'free_shipping' }, 3, signals({ buyer: 'returning' }), open, history()),
    ).toEqual({ incentive: 'free_shipping' });
  });

  it('offers nothing within the cooldown of the last one, and again after it', () => {
    const recent = new Date(abandonedAt.getTime() - 29 * DAY_MS);
    const old = new Date(abandonedAt.getTime() - 30 * DAY_MS);
    expect(decideIncentive({ incentive: 'percent_10' }, 3, signals(), policy, history(recent))).toMatchObject({
      reason: 'cooldown',
    });
    expect(decideIncentive({ incentive: 'percent_10' }, 3, signals(), policy, history(old))).toEqual({
      incentive: 'percent_10',
    });
  });

  it('offers nothing to a shopper it could not recognise next time', () => {
    expect(
      decideIncentive({ incentive: 'percent_10' }, 3, signals(), policy, { ...history(), hasIdentity: false }),
    ).toMatchObject({ reason: 'no_identity' });
  });

  it('rotates deterministically between the configured kinds', () => {
    const kinds = Array.from({ length: 200 }, (_, i) =>
      decideIncentive({ incentive: 'rotate' }, 3, signals(), policy, { ...history(), rotationKey: `a${i}` }),
    ).map((d) => d.incentive);
    expect(new Set(kinds)).toEqual(new Set(['percent_10', 'free_shipping']));
    const again = decideIncentive({ incentive: 'rotate' }, 3, signals(), policy, { ...history(), rotationKey: 'a7' });
    expect(again.incentive).toBe(kinds[7]);
  });
});

describe(selectPlan.name, () => {
  const shape = (i: Partial<PlanInput>) =>
    selectPlan(input(i)).touches.map((t) => [t.sequence, t.channel, t.offsetMs / HOUR_MS, t.template, t.angle]);

  it('gives a checkout abandoner the checkout plan by email when SMS is not reachable', () => {
    expect(shape({})).toEqual([
      [1, 'email', 1, 'reminder', 'returns'],
      [2, 'email', 24, 'reassurance', 'returns'],
      [3, 'email', 48, 'incentive', undefined],
    ]);
  });

  it('adds the SMS at 2 h when the shopper opted in and gave a number', () => {
    const s = signals({ channels: { email: reachable, sms: reachable, push: unreachable } });
    const sut = selectPlan(input({ signals: s }));
    expect(sut.touches.map((t) => [t.sequence, t.channel, t.offsetMs / HOUR_MS])).toEqual([
      [1, 'email', 1],
      [2, 'sms', 2],
      [3, 'email', 24],
      [4, 'email', 48],
    ]);
    // Email 3 is still the incentive touch: touches are counted per channel.
    expect(sut.touches[3]?.incentive).not.toBe('none');
    expect(new Set(sut.touches.map((t) => t.touchId)).size).toBe(4);
  });

  it('steers the next touch to payment options after a payment error', () => {
    const sut = selectPlan(input({ signals: signals({ stage: 'payment', checkoutError: 'payment_declined' }) }));
    expect(sut.segment).toBe('checkout-payment-error');
    expect(sut.planName).toBe('checkout');
    expect(sut.touches[0]).toMatchObject({ sequence: 1, channel: 'email', angle: 'payment_options' });
  });

  it('gives a cart abandoner only the gentler cart plan', () => {
    const sut = selectPlan(input({ signals: signals({ stage: 'cart', checkoutStep: null, buyer: 'returning' }) }));
    expect(sut).toMatchObject({ segment: 'cart-abandoner', planName: 'cart' });
    expect(sut.touches.map((t) => [t.channel, t.offsetMs / HOUR_MS, t.template, t.angle, t.incentive])).toEqual([
      ['email', 1, 'reminder', undefined, 'none'],
      ['email', 24, 'reassurance', 'delivery', 'none'],
      ['email', 72, 'incentive', undefined, 'none'],
    ]);
  });

  it('never mixes the sequences: a cart that reached checkout gets only the checkout plan', () => {
    for (const stage of ['checkout', 'payment'] as const) {
      expect(selectPlan(input({ signals: signals({ stage }) })).planName).toBe('checkout');
    }
  });

  it('plans the incentive only on email 3 of a first-time buyer without a recent one', () => {
    const incentives = (i: Partial<PlanInput>) => selectPlan(input(i)).touches.map((t) => t.incentive !== 'none');
    expect(incentives({})).toEqual([false, false, true]);
    expect(incentives({ signals: signals({ buyer: 'returning' }) })).toEqual([false, false, false]);
    expect(incentives({ history: { lastIncentiveAt: new Date(abandonedAt.getTime() - DAY_MS) } })).toEqual([
      false,
      false,
      false,
    ]);
  });

  it('leaves out a push touch without a subscription but keeps email touches for the scheduler to skip', () => {
    const pushy = {
      ...config,
      plans: {
        ...config.plans,
        checkout: {
          touches: [
            { channel: 'push' as const, offset: 30 * 60_000, template: 'resume-card', incentive: 'none' as const },
            { channel: 'email' as const, offset: HOUR_MS, template: 'reminder', incentive: 'none' as const },
          ],
        },
      },
    };
    const noEmail = signals({ channels: { email: unreachable, sms: unreachable, push: unreachable } });
    expect(selectPlan(input({ config: pushy, signals: noEmail })).touches.map((t) => t.channel)).toEqual(['email']);
    const app = signals({ channels: { email: unreachable, sms: unreachable, push: reachable } });
    expect(selectPlan(input({ config: pushy, signals: app })).touches.map((t) => t.channel)).toEqual(['push', 'email']);
  });
});
