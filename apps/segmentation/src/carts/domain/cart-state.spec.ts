import type { StorefrontEvent } from '@reclaim/contracts';
import { applyEvent, mergeConsent, mergeCustomer, newCartState, pauseCausedBy, type CartState } from './cart-state';

const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 12, minute)).toISOString();
const item = { sku: 'SKU-1', title: 'Mug', quantity: 2, unitPrice: 1250 };

function event(partial: Partial<StorefrontEvent> & Pick<StorefrontEvent, 'type' | 'occurredAt'>): StorefrontEvent {
  return { id: `e-${partial.type}-${partial.occurredAt}`, cartId: 'c1', ...partial };
}

function replay(...events: StorefrontEvent[]): CartState {
  return events.reduce(applyEvent, newCartState('s1', 'c1'));
}

describe(applyEvent.name, () => {
  it('starts open in the cart stage with email allowed and sms/push not', () => {
    const sut = replay(event({ type: 'cart.created', occurredAt: at(0), cart: { currency: 'EUR', items: [item] } }));
    expect(sut).toMatchObject({ status: 'open', stage: 'cart', consent: { email: true, sms: false, push: false } });
    expect(sut.lastActivityAt?.toISOString()).toBe(at(0));
    expect(sut.cart?.items).toHaveLength(1);
  });

  it('moves to the checkout stage on any checkout event and stays there', () => {
    const sut = replay(
      event({ type: 'cart.created', occurredAt: at(0) }),
      event({ type: 'checkout.error', occurredAt: at(1), error: { code: 'payment_declined' } }),
      event({ type: 'cart.viewed', occurredAt: at(2) }),
    );
    expect(sut.stage).toBe('checkout');
  });

  it('never moves last activity backwards and ignores stale cart contents', () => {
    const sut = replay(
      event({ type: 'cart.updated', occurredAt: at(5), cart: { currency: 'EUR', items: [item] } }),
      event({ type: 'cart.updated', occurredAt: at(3), cart: { currency: 'EUR', items: [] } }),
    );
    expect(sut.lastActivityAt?.toISOString()).toBe(at(5));
    expect(sut.cart?.items).toHaveLength(1);
  });

  it('does not count consent changes as activity', () => {
    const sut = replay(
      event({ type: 'cart.created', occurredAt: at(0) }),
      event({ type: 'consent.updated', occurredAt: at(9), consent: { sms: true } }),
    );
    expect(sut.lastActivityAt?.toISOString()).toBe(at(0));
    expect(sut.consent.sms).toBe(true);
  });

  it('marks the cart ordered and keeps it ordered after later activity', () => {
    const sut = replay(
      event({ type: 'cart.created', occurredAt: at(0) }),
      event({ type: 'order.completed', occurredAt: at(1), order: { id: 'o1', total: 100, currency: 'EUR' } }),
      event({ type: 'cart.viewed', occurredAt: at(2) }),
    );
    expect(sut).toMatchObject({ status: 'ordered', orderId: 'o1' });
  });

  it('re-opens an abandoned cart on newer activity, not on stale or non-activity events', () => {
    const abandoned: CartState = { ...replay(event({ type: 'cart.created', occurredAt: at(5) })), status: 'abandoned' };
    expect(applyEvent(abandoned, event({ type: 'cart.viewed', occurredAt: at(4) })).status).toBe('abandoned');
    expect(
      applyEvent(abandoned, event({ type: 'consent.updated', occurredAt: at(9), consent: { email: true } })).status,
    ).toBe('abandoned');
    expect(applyEvent(abandoned, event({ type: 'cart.viewed', occurredAt: at(6) })).status).toBe('open');
  });

  it('counts applied events and remembers the last one', () => {
    const sut = replay(
      event({ type: 'cart.created', occurredAt: at(0) }),
      event({ type: 'cart.viewed', occurredAt: at(1) }),
    );
    expect(sut).toMatchObject({ eventsApplied: 2, lastEventId: `e-cart.viewed-${at(1)}` });
  });
});

describe(mergeCustomer.name, () => {
  it('lets later fields override and keeps fields the event does not mention', () => {
    expect(mergeCustomer({ email: 'a@x.io', firstName: 'Ann' }, { firstName: 'Anna', id: 'u1' }, false)).toEqual({
      email: 'a@x.io',
      firstName: 'Anna',
      id: 'u1',
    });
  });

  it('only fills gaps from a stale event', () => {
    expect(mergeCustomer({ firstName: 'Anna' }, { firstName: 'Ann', id: 'u1' }, true)).toEqual({
      firstName: 'Anna',
      id: 'u1',
    });
  });
});

describe(mergeConsent.name, () => {
  const current = { email: true, sms: false, push: false };

  it('treats absence as unchanged', () => {
    expect(mergeConsent(current, { sms: true }, false)).toEqual({ email: true, sms: true, push: false });
    expect(mergeConsent(current, undefined, false)).toEqual(current);
  });

  it('applies a withdrawal even from a stale event, but not a stale grant', () => {
    expect(mergeConsent(current, { email: false, push: true }, true)).toEqual({
      email: false,
      sms: false,
      push: false,
    });
  });
});

describe('applyEvent signals', () => {
  it('keeps the furthest checkout step reached', () => {
    const sut = replay(
      event({ type: 'checkout.started', occurredAt: at(0), checkout: { step: 'contact' } }),
      event({ type: 'checkout.step_completed', occurredAt: at(1), checkout: { step: 'payment' } }),
      event({ type: 'checkout.step_completed', occurredAt: at(2), checkout: { step: 'shipping' } }),
    );
    expect(sut.checkoutStep).toBe('payment');
  });

  it('remembers the latest checkout error until a later step completes', () => {
    const failed = replay(
      event({ type: 'checkout.error', occurredAt: at(0), error: { code: 'address_invalid' } }),
      event({ type: 'checkout.error', occurredAt: at(1), error: { code: 'payment_declined' } }),
      event({ type: 'checkout.error', occurredAt: at(0), id: 'late', error: { code: 'other' } }),
    );
    expect(failed.lastCheckoutError).toBe('payment_declined');
    const recovered = applyEvent(
      failed,
      event({ type: 'checkout.step_completed', occurredAt: at(2), checkout: { step: 'review' } }),
    );
    expect(recovered.lastCheckoutError).toBeNull();
  });

  it('notes a shipping estimate view, the device and a push subscription', () => {
    const sut = replay(
      event({ type: 'cart.created', occurredAt: at(0), device: 'desktop' }),
      event({ type: 'shipping.estimate_viewed', occurredAt: at(1), device: 'mobile' }),
      event({ type: 'cart.viewed', occurredAt: at(0), id: 'stale', device: 'tablet' }),
      event({ type: 'push.subscribed', occurredAt: at(2), push: { fcmToken: 'tok' } }),
    );
    expect(sut).toMatchObject({ shippingEstimateViewed: true, device: 'mobile', pushSubscribed: true });
  });

  it('starts with no signals', () => {
    expect(newCartState('s1', 'c1')).toMatchObject({
      checkoutStep: null,
      lastCheckoutError: null,
      shippingEstimateViewed: false,
      device: null,
      pushSubscribed: false,
    });
  });
});

describe(pauseCausedBy.name, () => {
  const abandoned: CartState = {
    ...replay(event({ type: 'cart.created', occurredAt: at(5) })),
    status: 'abandoned',
    abandonmentId: 'ab-1',
  };
  const pauseOn = (e: StorefrontEvent) => pauseCausedBy(abandoned, applyEvent(abandoned, e), e);

  it('pauses the latest abandonment when the shopper comes back without ordering', () => {
    const back = event({ type: 'cart.updated', occurredAt: at(40), cart: { currency: 'EUR', items: [item] } });
    expect(pauseOn(back)).toEqual({
      abandonmentId: 'ab-1',
      storeId: 's1',
      cartId: 'c1',
      sourceEventId: back.id,
      resumedAt: at(40),
    });
  });

  it('pauses nothing on an order, a consent change, a stale event or an open cart', () => {
    expect(
      pauseOn(event({ type: 'order.completed', occurredAt: at(40), order: { id: 'o', total: 1, currency: 'EUR' } })),
    ).toBeUndefined();
    expect(pauseOn(event({ type: 'consent.updated', occurredAt: at(40), consent: { sms: true } }))).toBeUndefined();
    expect(pauseOn(event({ type: 'cart.viewed', occurredAt: at(4) }))).toBeUndefined();
    const open = replay(event({ type: 'cart.created', occurredAt: at(5) }));
    const viewed = event({ type: 'cart.viewed', occurredAt: at(6) });
    expect(pauseCausedBy(open, applyEvent(open, viewed), viewed)).toBeUndefined();
  });
});
