import { SuppressionScopes } from '@reclaim/contracts';
import type { Recipient } from '@reclaim/suppression';
import { cardScopes, orderWithdraws, withdrawalOf, withdrawalTtlMs } from './card-withdrawal';

const guest: Recipient = {
  storeId: 's',
  cartId: 'c1',
  channel: 'push',
  email: 'Ann@Example.com',
  lastActivityAt: new Date('2025-01-01T10:00:00Z'),
};
const order = (scope: string, at: string, reason: 'order_completed' | 'consent_withdrawn' = 'order_completed') => ({
  scope,
  reason,
  suppressedAt: at,
});

describe('card withdrawal rules', () => {
  it('finds a card by the cart and by every identifier of its shopper', () => {
    expect(cardScopes({ ...guest, customerId: 'u1', phone: '+15550001' })).toEqual(
      expect.arrayContaining([
        SuppressionScopes.cart('s', 'c1'),
        SuppressionScopes.customer('s', 'u1'),
        SuppressionScopes.shopperEmail('s', 'ann@example.com'),
        SuppressionScopes.shopperPhone('s', '+15550001'),
      ]),
    );
  });

  it("withdraws on the cart's own order, whenever it came", () => {
    expect(orderWithdraws(guest, order(SuppressionScopes.cart('s', 'c1'), '2024-01-01T00:00:00Z'))).toBe(true);
  });

  it('withdraws the older cart of a shopper who ordered, not a cart worked on after the order', () => {
    const scope = SuppressionScopes.shopperEmail('s', 'ann@example.com');
    expect(orderWithdraws(guest, order(scope, '2025-01-01T11:00:00Z'))).toBe(true);
    expect(orderWithdraws(guest, order(scope, '2025-01-01T09:00:00Z'))).toBe(false);
  });

  it('withdraws only for orders, not for opt-outs', () => {
    const scope = SuppressionScopes.consent('push', 's', { kind: 'cart', value: 'c1' });
    expect(orderWithdraws(guest, order(scope, '2025-01-01T11:00:00Z', 'consent_withdrawn'))).toBe(false);
  });

  it("says which card to close, by the card's tag, and lives no longer than the card", () => {
    expect(withdrawalOf({ cartId: 'c1', tag: 'T' })).toEqual({
      type: 'reclaim.card.withdrawn',
      cartId: 'c1',
      tag: 'T',
    });
    expect(withdrawalTtlMs(4 * 3_600_000)).toBe(3_600_000);
    expect(withdrawalTtlMs(120_000)).toBe(120_000);
  });
});
