import { SuppressionScopes } from '@reclaim/contracts';
import { hardBounce } from './hard-bounce';

describe(hardBounce.name, () => {
  const at = new Date('2026-12-02T10:00:00Z');

  it('stops the address in its store, whatever its case', () => {
    expect(hardBounce('store-1', 'Ann@Example.com', 'touch-1', at)).toMatchObject({
      scope: SuppressionScopes.email('store-1', 'ann@example.com'),
      storeId: 'store-1',
      reason: 'hard_bounce',
      suppressedAt: '2026-12-02T10:00:00.000Z',
    });
  });

  it('is the same record when a redelivered touch bounces again', () => {
    const later = new Date('2026-12-02T11:00:00Z');
    expect(hardBounce('store-1', 'ann@example.com', 'touch-1', later).sourceEventId).toBe(
      hardBounce('store-1', 'ann@example.com', 'touch-1', at).sourceEventId,
    );
    expect(hardBounce('store-1', 'ann@example.com', 'touch-2', at).sourceEventId).not.toBe(
      hardBounce('store-1', 'ann@example.com', 'touch-1', at).sourceEventId,
    );
  });
});
