import { SuppressionScopes } from '@reclaim/contracts';
import { addressStop } from './address-stop';

describe(addressStop.name, () => {
  const at = new Date('2026-12-02T10:00:00Z');

  it('stops the address in its store, whatever its case', () => {
    expect(addressStop('hard_bounce', 'store-1', 'Ann@Example.com', 'touch-1', at)).toMatchObject({
      scope: SuppressionScopes.email('store-1', 'ann@example.com'),
      storeId: 'store-1',
      reason: 'hard_bounce',
      suppressedAt: '2026-12-02T10:00:00.000Z',
    });
  });

  it('is the same record when a redelivered touch or report says it again', () => {
    const later = new Date('2026-12-02T11:00:00Z');
    const id = (reason: 'hard_bounce' | 'complaint', touchId: string, when: Date) =>
      addressStop(reason, 'store-1', 'ann@example.com', touchId, when).sourceEventId;
    expect(id('hard_bounce', 'touch-1', later)).toBe(id('hard_bounce', 'touch-1', at));
    expect(id('hard_bounce', 'touch-2', at)).not.toBe(id('hard_bounce', 'touch-1', at));
    expect(id('complaint', 'touch-1', at)).not.toBe(id('hard_bounce', 'touch-1', at));
  });
});
