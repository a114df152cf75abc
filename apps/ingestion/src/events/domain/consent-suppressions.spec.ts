import { StorefrontEvent } from '@reclaim/contracts';
import { consentChanges } from './consent-suppressions';

const receivedAt = new Date('2026-11-25T12:00:00.000Z');
const event = (partial: Record<string, unknown>) =>
  StorefrontEvent.parse({
    id: 'c-evt',
    type: 'consent.updated',
    occurredAt: '2026-11-25T11:59:00Z',
    cartId: 'cart-1',
    ...partial,
  });

describe(consentChanges.name, () => {
  it('withdraws a channel under the cart, the customer and that channel’s own address', () => {
    const sut = consentChanges(
      'shop',
      event({ consent: { email: false }, customer: { id: 'cust-9', email: 'Ann@Example.com', phone: '+14155550100' } }),
      receivedAt,
    );
    expect(sut.withdrawals.map((s) => s.scope)).toEqual([
      'consent:email:shop:cart:cart-1',
      'consent:email:shop:customer:cust-9',
      'consent:email:shop:email:ann@example.com',
    ]);
    expect(sut.withdrawals[0]).toMatchObject({
      reason: 'consent_withdrawn',
      storeId: 'shop',
      cartId: 'cart-1',
      customerId: 'cust-9',
      sourceEventId: 'c-evt',
      suppressedAt: receivedAt.toISOString(),
    });
    expect(sut.lifted).toEqual([]);
  });

  it('withdraws SMS under the phone and push under the cart and customer only', () => {
    const who = { customer: { id: 'cust-9', email: 'ann@example.com', phone: '+14155550100' } };
    expect(
      consentChanges('shop', event({ consent: { sms: false }, ...who }), receivedAt).withdrawals.map((s) => s.scope),
    ).toEqual([
      'consent:sms:shop:cart:cart-1',
      'consent:sms:shop:customer:cust-9',
      'consent:sms:shop:phone:+14155550100',
    ]);
    expect(
      consentChanges('shop', event({ consent: { push: false }, ...who }), receivedAt).withdrawals.map((s) => s.scope),
    ).toEqual(['consent:push:shop:cart:cart-1', 'consent:push:shop:customer:cust-9']);
  });

  it('honours a withdrawal riding on any event type, even for an anonymous cart', () => {
    const sut = consentChanges('shop', event({ type: 'cart.updated', consent: { email: false } }), receivedAt);
    expect(sut.withdrawals.map((s) => s.scope)).toEqual(['consent:email:shop:cart:cart-1']);
  });

  it('lifts the subjects an explicit consent.updated grant names, and nothing for a grant on other events', () => {
    const granted = consentChanges(
      'shop',
      event({ consent: { email: true, sms: true }, customer: { email: 'ann@example.com' } }),
      receivedAt,
    );
    expect(granted.withdrawals).toEqual([]);
    expect(granted.lifted).toEqual([
      'consent:email:shop:cart:cart-1',
      'consent:email:shop:email:ann@example.com',
      'consent:sms:shop:cart:cart-1',
    ]);
    expect(consentChanges('shop', event({ type: 'cart.viewed', consent: { email: true } }), receivedAt).lifted).toEqual(
      [],
    );
  });

  it('changes nothing when the event says nothing about consent', () => {
    expect(consentChanges('shop', event({ type: 'cart.viewed' }), receivedAt)).toEqual({ withdrawals: [], lifted: [] });
  });
});
