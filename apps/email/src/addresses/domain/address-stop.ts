import { SuppressionScopes, type Suppression } from '@reclaim/contracts';
import { derivedId } from '@reclaim/core';

/**
 * The suppression that stops an address for good: a hard bounce (it cannot receive mail) or a
 * complaint (its owner marked our message as spam). The store sends it nothing more by email, for
 * any cart. The id derives from the touch that learnt it, so a redelivered touch or report
 * republishes the same record.
 */
export function addressStop(
  reason: 'hard_bounce' | 'complaint',
  storeId: string,
  email: string,
  touchId: string,
  at: Date,
): Suppression {
  return {
    scope: SuppressionScopes.email(storeId, email),
    storeId,
    reason,
    sourceEventId: derivedId(reason, touchId),
    suppressedAt: at.toISOString(),
  };
}
