import type { DeliveryStatus } from '@reclaim/contracts';

/**
 * One row per touch. `pending`: claimed, nothing handed to the provider yet (safe to retry).
 * `sending`: handed (or about to be handed) to the provider. The rest are final.
 */
export const LedgerStatuses = ['pending', 'sending', 'sent', 'failed', 'skipped', 'unknown'] as const;
export type LedgerStatus = (typeof LedgerStatuses)[number];
export type FinalLedgerStatus = Extract<LedgerStatus, 'sent' | 'failed' | 'skipped' | 'unknown'>;

const transitions: Record<LedgerStatus, ReadonlyArray<LedgerStatus>> = {
  pending: ['sending', 'skipped', 'failed'],
  // back to pending only when the provider certainly did not take the message (transient failure)
  sending: ['sent', 'failed', 'unknown', 'pending'],
  sent: [],
  failed: [],
  skipped: [],
  unknown: [],
};

export function canTransition(from: LedgerStatus, to: LedgerStatus): boolean {
  return transitions[from].includes(to);
}

/** The statuses a row may be in for a move to `to`: repositories put exactly these in their WHERE. */
export function sourcesOf(to: LedgerStatus): LedgerStatus[] {
  return LedgerStatuses.filter((from) => canTransition(from, to));
}

export function isFinal(status: LedgerStatus): status is FinalLedgerStatus {
  return transitions[status].length === 0;
}

export type ClaimDecision =
  /** Go on: check suppressions, then send. */
  | { action: 'proceed' }
  /** Already decided: only tell the world again (the delivery event may have been lost). Never send. */
  | { action: 'report'; status: FinalLedgerStatus }
  /**
   * A previous attempt stopped after handing the message to the provider but before recording
   * the outcome. Its fate is unknown; marketing reminders are never resent in that case.
   */
  | { action: 'mark_unknown' };

/** What to do with a touch whose ledger row was just claimed (inserted or found). */
export function decideOnClaim(status: LedgerStatus): ClaimDecision {
  if (status === 'pending') return { action: 'proceed' };
  if (status === 'sending') return { action: 'mark_unknown' };
  return { action: 'report', status };
}

export function deliveryStatusOf(status: FinalLedgerStatus): DeliveryStatus {
  return status;
}
