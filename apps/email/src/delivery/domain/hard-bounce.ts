import { SuppressionScopes, type Suppression } from '@reclaim/contracts';
import { derivedId } from '@reclaim/core';

/**
 * The suppression a hard bounce makes: the address cannot receive mail, so the store sends it
 * nothing more by email (every cart, every touch). Its id derives from the touch, so a redelivered
 * touch republishes the same record.
 */
export function hardBounce(storeId: string, email: string, touchId: string, at: Date): Suppression {
  return {
    scope: SuppressionScopes.email(storeId, email),
    storeId,
    reason: 'hard_bounce',
    sourceEventId: derivedId('hard-bounce', touchId),
    suppressedAt: at.toISOString(),
  };
}
