import type { Abandonment, Delivery, Recovery, StorefrontEventRecord, TouchDue } from '@reclaim/contracts';
import {
  abandonmentEntries,
  decisionText,
  deferralText,
  deliveryText,
  idleText,
  incentiveText,
  pausedEntry,
  recoveryText,
  storefrontEntry,
  suppressionEntry,
  touchEntry,
  zoneIn,
  type RecoveryFacts,
} from './entries';

const at = (s: string) => new Date(s);

describe(idleText.name, () => {
  it('measures the idle time in business time (the real gap divided by the time scale)', () => {
    expect(idleText('checkout', at('2026-01-15T12:00:00Z'), at('2026-01-15T12:15:00Z'), 1)).toBe(
      'abandoned: checkout idle 15 min',
    );
    // RECOVERY_TIME_SCALE 0.001: 0.9 real seconds were 15 business minutes.
    expect(idleText('cart', at('2026-01-15T12:00:00.000Z'), at('2026-01-15T12:00:00.900Z'), 0.001)).toBe(
      'abandoned: cart idle 15 min',
    );
  });
});

describe(deferralText.name, () => {
  it('shows both moments on the clock of the zone the reason names', () => {
    // 20:40 and 07:00 UTC are 21:40 and 08:00 in Berlin in January (CET).
    expect(
      deferralText('email 2', at('2026-01-15T20:40:00Z'), at('2026-01-16T07:00:00Z'), 'quiet hours, Europe/Berlin'),
    ).toBe('email 2 deferred 21:40 → 08:00 (quiet hours, Europe/Berlin)');
  });

  it('falls back to UTC, labelled, when the reason names no zone', () => {
    expect(
      deferralText('sms 1', at('2026-01-15T20:40:00Z'), at('2026-01-16T00:40:00Z'), 'minimum gap between messages'),
    ).toBe('sms 1 deferred 20:40 → 00:40 UTC (minimum gap between messages)');
    expect(
      deferralText(
        'sms 1',
        at('2026-06-15T12:00:00Z'),
        at('2026-06-15T18:00:00Z'),
        'quiet hours, zone unknown (most restrictive)',
      ),
    ).toBe('sms 1 deferred 12:00 → 18:00 UTC (quiet hours, zone unknown (most restrictive))');
  });

  it('finds only real zones in a reason', () => {
    expect(zoneIn('quiet hours, America/New_York')).toBe('America/New_York');
    expect(zoneIn('quiet hours, Etc/GMT-5')).toBe('Etc/GMT-5');
    expect(zoneIn('quiet hours, Mars/Olympus')).toBeUndefined();
    expect(zoneIn('daily message cap')).toBeUndefined();
  });
});

const delivery = (partial: Partial<Delivery>): Delivery => ({
  deliveryId: 'd-1',
  touchId: 't-1',
  storeId: 's1',
  cartId: 'c1',
  channel: 'email',
  sequence: 1,
  status: 'sent',
  at: '2026-01-15T13:00:00Z',
  ...partial,
});

describe(deliveryText.name, () => {
  it('says what happened to a touch and why it did not go out', () => {
    expect(deliveryText(delivery({}))).toBe('email 1 sent');
    expect(deliveryText(delivery({ channel: 'sms', status: 'skipped', reason: 'no_consent' }))).toBe(
      'sms 1 skipped: no consent',
    );
    expect(deliveryText(delivery({ channel: 'sms', segments: 2 }))).toBe('sms 1 sent (2 segments)');
    expect(deliveryText(delivery({ status: 'failed', reason: 'smtp_550' }))).toBe('email 1 failed: smtp_550');
    expect(deliveryText(delivery({ sequence: undefined, status: 'bounced' }))).toBe('email bounced');
  });

  it('names the order that cancelled a touch when the timeline has it', () => {
    const cancelled = delivery({ sequence: 3, status: 'cancelled', reason: 'order_completed' });
    expect(deliveryText(cancelled)).toBe('email 3 cancelled: order completed');
    expect(
      deliveryText(cancelled, { order: { orderId: 'o-123', acknowledgedAt: at('2026-01-15T14:02:11.500Z') } }),
    ).toBe('email 3 cancelled: order o-123 acknowledged 14:02:11 UTC');
  });

  it('tells a credited click from a repeat and a scanner’s prefetch', () => {
    expect(deliveryText(delivery({ status: 'clicked', click: { credited: true, kind: 'first' } }))).toBe(
      'email 1 clicked',
    );
    expect(deliveryText(delivery({ status: 'clicked' }))).toBe('email 1 clicked');
    expect(deliveryText(delivery({ status: 'clicked', click: { credited: false, kind: 'repeat' } }))).toBe(
      'email 1 clicked again (not credited: repeat)',
    );
    expect(
      deliveryText(delivery({ status: 'clicked', click: { credited: false, kind: 'prefetch', why: 'HEAD request' } })),
    ).toBe('email 1 clicked (not credited: mail scanner, HEAD request)');
  });
});

const recovery = (partial: Partial<RecoveryFacts>): RecoveryFacts => ({
  cartId: 'c1',
  orderId: 'o-1',
  revenue: 8000,
  currency: 'EUR',
  holdout: false,
  ...partial,
});

describe(recoveryText.name, () => {
  it('says which touch was credited, and how', () => {
    expect(recoveryText(recovery({ credit: 'clicked', attributedChannel: 'email', attributedSequence: 1 }))).toBe(
      'recovered: €80.00, credited to email 1 (clicked)',
    );
    expect(recoveryText(recovery({ credit: 'delivered', attributedChannel: 'sms', attributedSequence: 2 }))).toBe(
      'recovered: €80.00, credited to sms 2 (delivered, no click)',
    );
    expect(recoveryText(recovery({ credit: 'delivered', attributedChannel: 'sms' }), 'sms 2')).toBe(
      'recovered: €80.00, credited to sms 2 (delivered, no click)',
    );
  });

  it('says when no touch was credited, and why', () => {
    expect(recoveryText(recovery({ holdout: true, credit: 'none' }))).toBe(
      'recovered: €80.00 without a touch (hold-out)',
    );
    expect(recoveryText(recovery({ credit: 'none' }))).toBe(
      'recovered: €80.00 without a touch (no touch clicked or delivered in the window)',
    );
  });

  it('names the order of another cart of the same shopper', () => {
    expect(
      recoveryText(
        recovery({
          orderId: 'o-9',
          orderCartId: 'c2',
          credit: 'clicked',
          attributedChannel: 'email',
          attributedSequence: 2,
        }),
      ),
    ).toBe('recovered: €80.00 by order o-9 for another cart of the same shopper, credited to email 2 (clicked)');
  });
});

const abandonment = (partial: Partial<Abandonment> = {}): Abandonment => ({
  abandonmentId: 'ab-1',
  storeId: 's1',
  cartId: 'c1',
  stage: 'checkout',
  segment: 'checkout-abandoner',
  holdout: false,
  customer: {},
  consent: { email: true, sms: false, push: false },
  cart: { currency: 'EUR', items: [{ sku: 'A', title: 'Coat', quantity: 1, unitPrice: 8000 }], value: 8000 },
  lastActivityAt: '2026-01-15T12:00:00Z',
  abandonedAt: '2026-01-15T12:15:00Z',
  plan: [
    { touchId: 't-1', sequence: 1, channel: 'email', offsetMs: 3_600_000, template: 'reminder', incentive: 'none' },
    {
      touchId: 't-2',
      sequence: 2,
      channel: 'email',
      offsetMs: 24 * 3_600_000,
      template: 'incentive',
      incentive: 'percent_10',
    },
  ],
  ...partial,
});

describe(decisionText.name, () => {
  it('gives the segment with its signals, the plan and the hold-out', () => {
    expect(decisionText(abandonment({ signals: ['first-time', 'high-ticket'], holdoutPercent: 10 }))).toBe(
      'segment checkout-abandoner (first-time, high-ticket); plan: email 1 at +1h, email 2 at +24h with 10 % off; held out: no (10 % hold-out)',
    );
  });

  it('says a held-out cart gets no messages by design', () => {
    expect(decisionText(abandonment({ holdout: true, plan: [], holdoutPercent: 10 }))).toBe(
      'segment checkout-abandoner; held out: yes (10 % hold-out), no messages by design',
    );
  });

  it('reads an abandonment from before signals and hold-out share were carried', () => {
    expect(decisionText(abandonment({ plan: [] }))).toBe('segment checkout-abandoner; plan: no messages; held out: no');
  });
});

describe(abandonmentEntries.name, () => {
  it('makes the abandonment and its decision, at the abandonment', () => {
    const [abandoned, decision] = abandonmentEntries(abandonment({ device: 'mobile' }), 'ab-1', 1);
    expect(abandoned).toMatchObject({ kind: 'abandoned', text: 'abandoned: checkout idle 15 min', sourceId: 'ab-1' });
    expect(abandoned?.detail).toMatchObject({ device: 'mobile' });
    expect(decision).toMatchObject({ kind: 'decision', at: at('2026-01-15T12:15:00Z') });
  });
});

describe(storefrontEntry.name, () => {
  const record = (event: Partial<StorefrontEventRecord['event']>): StorefrontEventRecord => ({
    storeId: 's1',
    receivedAt: '2026-01-15T14:02:11.200Z',
    event: { id: 'e1', type: 'cart.created', occurredAt: '2026-01-15T14:02:10Z', cartId: 'c1', ...event },
  });

  it('counts items and values the cart', () => {
    const cart = {
      currency: 'EUR',
      items: [
        { sku: 'A', title: 'Mug', quantity: 1, unitPrice: 3000 },
        { sku: 'B', title: 'Tea', quantity: 1, unitPrice: 5000 },
      ],
    };
    expect(storefrontEntry(record({ cart }), 'x')?.text).toBe('cart created: 2 items, €80.00');
  });

  it('acknowledges an order at the moment Reclaim received it', () => {
    const entry = storefrontEntry(
      record({ type: 'order.completed', order: { id: 'o-123', total: 8000, currency: 'EUR' } }),
      'x',
    );
    expect(entry).toMatchObject({
      kind: 'order',
      orderId: 'o-123',
      text: 'order o-123 acknowledged 14:02:11 UTC: €80.00',
    });
  });

  it('names the checkout error code and the consent given', () => {
    expect(storefrontEntry(record({ type: 'checkout.error', error: { code: 'payment_declined' } }), 'x')?.text).toBe(
      'checkout error: payment declined (code payment_declined)',
    );
    expect(storefrontEntry(record({ type: 'consent.updated', consent: { email: true, sms: false } }), 'x')?.text).toBe(
      'consent updated: email yes, sms no',
    );
  });
});

describe(touchEntry.name, () => {
  it('says a touch is due, or when and why it was moved', () => {
    const touch: TouchDue = {
      touchId: 't-2',
      abandonmentId: 'ab-1',
      storeId: 's1',
      cartId: 'c1',
      channel: 'email',
      sequence: 2,
      template: 'reminder',
      incentive: 'none',
      segment: 'checkout-abandoner',
      customer: {},
      cart: { currency: 'EUR', items: [], value: 0 },
      dueAt: '2026-01-16T07:00:00Z',
    };
    expect(touchEntry(touch, 't-2').text).toBe('email 2 due');
    const moved = { ...touch, deferred: { plannedAt: '2026-01-15T20:40:00Z', reason: 'quiet hours, Europe/Berlin' } };
    expect(touchEntry(moved, 't-2').text).toBe('email 2 deferred 21:40 → 08:00 (quiet hours, Europe/Berlin)');
  });
});

describe(incentiveText.name, () => {
  it('names the code, what it gives, the touch it came with and when it expires', () => {
    const code = { code: 'ABC-123', kind: 'percent_10' as const, touchId: 't-2', expiresAt: '2026-01-22T12:00:00Z' };
    expect(incentiveText(code, 'email 2')).toBe(
      'code ABC-123 (10 % off) issued with email 2, expires 2026-01-22 12:00 UTC',
    );
    expect(incentiveText(code)).toBe('code ABC-123 (10 % off) issued, expires 2026-01-22 12:00 UTC');
  });
});

describe(suppressionEntry.name, () => {
  const base = {
    storeId: 's1',
    sourceEventId: 'e9',
    suppressedAt: '2026-01-15T14:02:11Z',
  };

  it('keeps one entry per causing event for its cart, whatever the scope', () => {
    const cart = suppressionEntry({
      ...base,
      scope: 'cart:s1:c1',
      reason: 'order_completed',
      cartId: 'c1',
      orderId: 'o-1',
    });
    const customer = suppressionEntry({
      ...base,
      scope: 'customer:s1:u1',
      reason: 'order_completed',
      cartId: 'c1',
      orderId: 'o-1',
    });
    expect(cart).toMatchObject({ cartId: 'c1', text: 'stopped: order completed, order o-1' });
    expect(customer?.sourceId).toBe(cart?.sourceId);
  });

  it('joins a suppression known only by its order to that order, names a consent channel, and skips the rest', () => {
    expect(
      suppressionEntry({ ...base, scope: 'customer:s1:u1', reason: 'order_completed', orderId: 'o-1' }),
    ).toMatchObject({ cartId: null, orderId: 'o-1' });
    expect(
      suppressionEntry({ ...base, scope: 'consent:sms:s1:cart:c1', reason: 'consent_withdrawn', cartId: 'c1' })?.text,
    ).toBe('stopped: consent withdrawn (sms)');
    expect(suppressionEntry({ ...base, scope: 'contact:email:s1:a@x.io', reason: 'unsubscribed' })).toBeUndefined();
  });
});

describe('recovery facts', () => {
  it('are what the contract carries', () => {
    const r: Recovery = {
      storeId: 's1',
      cartId: 'c1',
      orderId: 'o-1',
      revenue: 8000,
      currency: 'EUR',
      holdout: true,
      recoveredAt: '2026-01-15T15:00:00Z',
      credit: 'none',
    };
    expect(recoveryText(r)).toBe('recovered: €80.00 without a touch (hold-out)');
  });
});

describe(pausedEntry.name, () => {
  it('says when the shopper came back and that the sequence paused', () => {
    const entry = pausedEntry(
      { abandonmentId: 'ab-1', storeId: 's1', cartId: 'c1', sourceEventId: 'e7', resumedAt: '2026-01-15T14:20:30Z' },
      'ab-1:paused',
    );
    expect(entry).toMatchObject({ kind: 'paused', text: 'shopper came back at 14:20 UTC: sequence paused' });
  });
});
