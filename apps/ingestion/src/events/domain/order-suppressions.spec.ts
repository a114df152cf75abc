import { StorefrontEvent } from '@reclaim/contracts';
import { suppressionsForOrder } from './order-suppressions';

const receivedAt = new Date('2026-11-25T12:00:00.000Z');
const order = (customer?: Record<string, unknown>) =>
  StorefrontEvent.parse({
    id: 'o-evt',
    type: 'order.completed',
    occurredAt: '2026-11-25T11:59:00Z',
    cartId: 'cart-1',
    order: { id: 'o-1', total: 4900, currency: 'EUR' },
    ...(customer ? { customer } : {}),
  });

describe(suppressionsForOrder.name, () => {
  it('suppresses the cart and the known customer, stamped with our receive time', () => {
    const sut = suppressionsForOrder('shop', order({ id: 'cust-9' }), receivedAt);
    expect(sut).toEqual([
      expect.objectContaining({
        scope: 'cart:shop:cart-1',
        reason: 'order_completed',
        orderId: 'o-1',
        suppressedAt: receivedAt.toISOString(),
      }),
      expect.objectContaining({ scope: 'customer:shop:cust-9', customerId: 'cust-9', sourceEventId: 'o-evt' }),
    ]);
  });

  it('suppresses a guest known only by e-mail through that address, case-insensitively', () => {
    const sut = suppressionsForOrder('shop', order({ email: 'Ann@Example.com' }), receivedAt);
    expect(sut.map((s) => s.scope)).toEqual(['cart:shop:cart-1', 'shopper:email:shop:ann@example.com']);
    expect(sut[1]).toMatchObject({ reason: 'order_completed', suppressedAt: receivedAt.toISOString() });
  });

  it('suppresses a guest under every identifier the order names, e-mail and phone', () => {
    const sut = suppressionsForOrder('shop', order({ email: 'ann@example.com', phone: '+14155550100' }), receivedAt);
    expect(sut.map((s) => s.scope)).toEqual([
      'cart:shop:cart-1',
      'shopper:email:shop:ann@example.com',
      'shopper:phone:shop:+14155550100',
    ]);
  });

  it('suppresses only the cart when the shopper is anonymous', () => {
    expect(suppressionsForOrder('shop', order(), receivedAt).map((s) => s.scope)).toEqual(['cart:shop:cart-1']);
  });

  it('implies nothing for other event types', () => {
    const viewed = StorefrontEvent.parse({
      id: 'v',
      type: 'cart.viewed',
      occurredAt: '2026-11-25T11:59:00Z',
      cartId: 'c',
    });
    expect(suppressionsForOrder('shop', viewed, receivedAt)).toEqual([]);
  });
});
