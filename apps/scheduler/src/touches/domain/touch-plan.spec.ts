import { Delivery, TouchDue, type Abandonment } from '@reclaim/contracts';
import { derivedId, HOUR_MS, TimeScale } from '@reclaim/core';
import {
  abandonmentScopes,
  deliveryFor,
  dueAtFor,
  ALREADY_SENT,
  planTimers,
  sentStep,
  skipReasonFor,
  supersededTouches,
} from './touch-plan';

const abandonedAt = '2026-01-01T12:00:00.000Z';
const scale = new TimeScale(0.001);
const scaleMs = (ms: number) => scale.ms(ms);

function abandonment(partial: Partial<Abandonment> = {}): Abandonment {
  return {
    abandonmentId: 'a1',
    storeId: 's1',
    cartId: 'c1',
    stage: 'checkout',
    segment: 'checkout-abandoner',
    holdout: false,
    customer: { id: 'u1', email: 'Ann@Example.com' },
    consent: { email: true, sms: false, push: false },
    cart: { currency: 'EUR', items: [{ sku: 'A', title: 'Mug', quantity: 1, unitPrice: 900 }], value: 900 },
    lastActivityAt: '2026-01-01T11:45:00.000Z',
    abandonedAt,
    plan: [1, 24, 48].map((h, i) => ({
      touchId: `t${i + 1}`,
      sequence: i + 1,
      channel: 'email' as const,
      offsetMs: h * HOUR_MS,
      template: ['reminder', 'reassurance', 'incentive'][i] ?? 'reminder',
      incentive: 'none' as const,
    })),
    ...partial,
  };
}

describe(dueAtFor.name, () => {
  it('adds the scaled business offset to the abandonment time', () => {
    expect(dueAtFor(new Date(abandonedAt), HOUR_MS, scaleMs).toISOString()).toBe('2026-01-01T12:00:03.600Z');
    expect(dueAtFor(new Date(abandonedAt), HOUR_MS, (ms) => ms).toISOString()).toBe('2026-01-01T13:00:00.000Z');
  });
});

describe(skipReasonFor.name, () => {
  it('needs consent, then an address on the channel', () => {
    const consent = { email: true, sms: true, push: false };
    expect(skipReasonFor('email', { ...consent, email: false }, { email: 'a@x.io' })).toBe('no_consent');
    expect(skipReasonFor('email', consent, {})).toBe('no_address');
    expect(skipReasonFor('sms', consent, { email: 'a@x.io' })).toBe('no_address');
    expect(skipReasonFor('push', consent, {})).toBe('no_consent');
    expect(skipReasonFor('email', consent, { email: 'a@x.io' })).toBeUndefined();
  });
});

describe(abandonmentScopes.name, () => {
  it('lists every scope an abandonment can be stopped by: cart, address, consent, customer and shopper e-mail', () => {
    expect(abandonmentScopes(abandonment())).toEqual([
      'cart:s1:c1',
      'contact:email:s1:ann@example.com',
      'consent:email:s1:cart:c1',
      'consent:email:s1:customer:u1',
      'consent:email:s1:email:ann@example.com',
      'customer:s1:u1',
      'shopper:email:s1:ann@example.com',
    ]);
  });
});

describe(planTimers.name, () => {
  it('schedules each planned touch at its scaled offset, in order', () => {
    const sut = planTimers(abandonment(), scaleMs, []);
    expect(sut.map((t) => [t.sequence, t.status, t.dueAt.toISOString()])).toEqual([
      [1, 'scheduled', '2026-01-01T12:00:03.600Z'],
      [2, 'scheduled', '2026-01-01T12:01:26.400Z'],
      [3, 'scheduled', '2026-01-01T12:02:52.800Z'],
    ]);
    expect(TouchDue.parse(sut[0]?.payload)).toMatchObject({
      touchId: 't1',
      template: 'reminder',
      segment: 'checkout-abandoner',
    });
  });

  it('carries the planned angle and incentive to the channel', () => {
    const base = abandonment();
    const plan = base.plan.map((t, i) =>
      i === 2 ? { ...t, angle: 'payment_options' as const, incentive: 'percent_10' as const } : t,
    );
    const sut = planTimers({ ...base, plan }, scaleMs, []);
    expect(TouchDue.parse(sut[2]?.payload)).toMatchObject({ angle: 'payment_options', incentive: 'percent_10' });
    expect(TouchDue.parse(sut[0]?.payload).angle).toBeUndefined();
  });

  it('plans nothing for a hold-out', () => {
    expect(planTimers(abandonment({ holdout: true, plan: [] }), scaleMs, [])).toEqual([]);
  });

  it('is born cancelled when a suppression is already known', () => {
    const sut = planTimers(abandonment(), scaleMs, [
      { scope: 'cart:s1:c1', reason: 'order_completed', suppressedAt: new Date(abandonedAt) },
    ]);
    expect(sut.map((t) => [t.status, t.reason])).toEqual([
      ['cancelled', 'order_completed'],
      ['cancelled', 'order_completed'],
      ['cancelled', 'order_completed'],
    ]);
  });

  it('continues a re-armed cart where its paused sequence stopped: steps already sent are born skipped', () => {
    const sut = planTimers(abandonment(), scaleMs, [], new Set([sentStep('email', 1)]));
    expect(sut.map((t) => [t.sequence, t.status, t.reason])).toEqual([
      [1, 'skipped', ALREADY_SENT],
      [2, 'scheduled', null],
      [3, 'scheduled', null],
    ]);
    // A step of another channel with the same number is a different step.
    expect(planTimers(abandonment(), scaleMs, [], new Set([sentStep('sms', 1)]))[0]?.status).toBe('scheduled');
  });

  it('carries the last activity before the abandonment, which ranks the shopper’s sequences', () => {
    const [timer] = planTimers(abandonment(), scaleMs, []);
    expect(timer?.lastActivityAt.toISOString()).toBe(abandonment().lastActivityAt);
    expect(timer?.payload.lastActivityAt).toBe(abandonment().lastActivityAt);
  });

  it('is born cancelled by a consent withdrawn after the cart was built, whatever its time', () => {
    const sut = planTimers(abandonment(), scaleMs, [
      { scope: 'consent:email:s1:email:ann@example.com', reason: 'consent_withdrawn', suppressedAt: new Date(0) },
    ]);
    expect(sut.every((t) => t.status === 'cancelled' && t.reason === 'consent_withdrawn')).toBe(true);
  });

  it('is not stopped by the customer’s order placed before the cart was last touched', () => {
    const before = new Date(Date.parse(abandonment().lastActivityAt) - 60_000);
    const sut = planTimers(abandonment(), scaleMs, [
      { scope: 'customer:s1:u1', reason: 'order_completed', suppressedAt: before },
    ]);
    expect(sut.every((t) => t.status === 'scheduled')).toBe(true);
  });

  it('is born skipped without consent or without an address', () => {
    const noConsent = planTimers(abandonment({ consent: { email: false, sms: false, push: false } }), scaleMs, []);
    expect(noConsent.every((t) => t.status === 'skipped' && t.reason === 'no_consent')).toBe(true);
    const noAddress = planTimers(abandonment({ customer: { id: 'u1' } }), scaleMs, []);
    expect(noAddress.every((t) => t.status === 'skipped' && t.reason === 'no_address')).toBe(true);
  });
});

describe(deliveryFor.name, () => {
  it('builds a valid delivery with a derived id', () => {
    const [timer] = planTimers(abandonment(), scaleMs, []);
    const sut = deliveryFor(timer!, 'cancelled', 'order_completed', new Date(abandonedAt));
    expect(Delivery.parse(sut)).toEqual(sut);
    expect(sut).toMatchObject({
      deliveryId: derivedId('t1', 'cancelled'),
      status: 'cancelled',
      reason: 'order_completed',
    });
  });
});

describe(supersededTouches.name, () => {
  const sut = supersededTouches;
  const at = (iso: string) => new Date(iso);
  const t = (touchId: string, abandonmentId: string, abandonedAt: string, lastActivityAt = abandonedAt) => ({
    touchId,
    abandonmentId,
    abandonedAt: at(abandonedAt),
    lastActivityAt: at(lastActivityAt),
  });

  it("returns the earlier abandonments' touches and keeps the latest one's", () => {
    const older = [t('a1', 'ab-a', '2026-01-15T10:00:00Z'), t('a2', 'ab-a', '2026-01-15T10:00:00Z')];
    const newer = [t('b1', 'ab-b', '2026-01-15T11:00:00Z')];
    expect(sut([...newer, ...older]).map((x) => x.touchId)).toEqual(['a1', 'a2']);
  });

  it("ranks a shopper's carts by their last activity, not by when they were found idle", () => {
    // A checkout left at 10:10 is abandoned (15 min) before a cart left at 10:05 (30 min)...
    const checkout = t('c1', 'ab-checkout', '2026-01-15T10:25:00Z', '2026-01-15T10:10:00Z');
    const cart = t('k1', 'ab-cart', '2026-01-15T10:35:00Z', '2026-01-15T10:05:00Z');
    // ...and the shopper touched the checkout last, so its sequence is the live one.
    expect(sut([checkout, cart])).toEqual([cart]);
    expect(sut([cart], checkout)).toEqual([cart]);
    expect(sut([checkout], cart)).toEqual([]);
  });

  it('breaks a tie in activity and abandonment time by abandonment id, the same way every time', () => {
    const x = t('x1', 'ab-x', '2026-01-15T10:00:00Z');
    const y = t('y1', 'ab-y', '2026-01-15T10:00:00Z');
    expect(sut([x, y])).toEqual([x]);
    expect(sut([y, x])).toEqual([x]);
  });

  it('counts the abandonment arriving now, which may hold no touch yet (a hold-out)', () => {
    const older = [t('a1', 'ab-a', '2026-01-15T10:00:00Z')];
    const ref = (abandonmentId: string, iso: string) => ({
      abandonmentId,
      abandonedAt: at(iso),
      lastActivityAt: at(iso),
    });
    expect(sut(older, ref('ab-b', '2026-01-15T11:00:00Z'))).toEqual(older);
    expect(sut(older, ref('ab-0', '2026-01-15T09:00:00Z'))).toEqual([]);
  });

  it('supersedes nothing when one abandonment holds every touch', () => {
    expect(sut([t('a1', 'ab-a', '2026-01-15T10:00:00Z'), t('a2', 'ab-a', '2026-01-15T10:00:00Z')])).toEqual([]);
    expect(sut([])).toEqual([]);
  });
});
