import type { Abandonment, DeliveryStatus } from '@reclaim/contracts';
import { incentiveSubjects } from './recovery-plan';

/**
 * The incentive ledger's rules: which incentives count against a shopper's cooldown.
 *
 * An incentive is recorded as `planned` when the abandonment is published. The outcome of the
 * touch that carries it settles it: `delivered` (it went out, or may have) counts from the moment
 * it went out, `released` (cancelled, skipped, failed: the shopper never got it) no longer counts.
 * A pending one keeps counting, so two carts abandoned close together do not both get a code.
 */
export type IncentiveStatus = 'planned' | 'delivered' | 'released';

/** What a touch outcome says about the incentive the touch carried. Every status must decide. */
const OUTCOMES: Record<DeliveryStatus, Exclude<IncentiveStatus, 'planned'>> = {
  sent: 'delivered',
  // Interrupted between handing the message over and recording it: it may have gone out.
  unknown: 'delivered',
  // Both only ever follow a send.
  bounced: 'delivered',
  clicked: 'delivered',
  cancelled: 'released',
  skipped: 'released',
  failed: 'released',
};

export function incentiveOutcome(status: DeliveryStatus): Exclude<IncentiveStatus, 'planned'> {
  return OUTCOMES[status];
}

export interface IncentiveSettlement {
  status: IncentiveStatus;
  /** When the deciding outcome happened (the delivery's `at`); null while planned. */
  settledAt: Date | null;
  /** The delivery status and reason that decided it; null while planned. */
  deliveryStatus: DeliveryStatus | null;
  reason: string | null;
}

export const PLANNED: IncentiveSettlement = Object.freeze({
  status: 'planned',
  settledAt: null,
  deliveryStatus: null,
  reason: null,
});

/** A touch outcome as reported on reclaim.deliveries.v1. */
export interface TouchOutcome {
  status: DeliveryStatus;
  at: Date;
  reason?: string | undefined;
}

/**
 * Applies a touch outcome. Order-independent and idempotent, so redelivered and out-of-order
 * reports end in the same state: delivered beats released beats planned (a `sent` is never
 * released by a late `cancelled`, and a `sent` after a `failed` attempt counts), and between
 * outcomes of the same kind the earliest decides. Returns `current` itself when nothing changes.
 */
export function settle(current: IncentiveSettlement, outcome: TouchOutcome): IncentiveSettlement {
  const status = incentiveOutcome(outcome.status);
  const next: IncentiveSettlement = {
    status,
    settledAt: outcome.at,
    deliveryStatus: outcome.status,
    reason: outcome.reason ?? null,
  };
  if (current.status === 'planned') return next;
  if (current.status !== status) return status === 'delivered' ? next : current;
  const earlier = current.settledAt !== null && current.settledAt.getTime() <= outcome.at.getTime();
  return earlier ? current : next;
}

export interface LedgerEntry {
  issuedAt: Date;
  settlement: IncentiveSettlement;
}

/**
 * Where an incentive's cooldown starts, or undefined when it no longer counts: a pending one
 * from when it was planned, a delivered one from when it went out (never before it was planned).
 */
export function cooldownStart(entry: LedgerEntry): Date | undefined {
  const { issuedAt, settlement } = entry;
  switch (settlement.status) {
    case 'released':
      return undefined;
    case 'planned':
      return issuedAt;
    case 'delivered': {
      const at = settlement.settledAt;
      return at && at.getTime() > issuedAt.getTime() ? at : issuedAt;
    }
  }
}

/** The latest cooldown start among a shopper's incentives (what the cooldown is measured from). */
export function lastCountingIncentiveAt(entries: ReadonlyArray<LedgerEntry>): Date | undefined {
  let last: Date | undefined;
  for (const entry of entries) {
    const start = cooldownStart(entry);
    if (start && (!last || start.getTime() > last.getTime())) last = start;
  }
  return last;
}

/** One planned incentive: the shopper's identities and the touch that carries it. */
export interface PlannedIncentive {
  storeId: string;
  subjects: ReadonlyArray<string>;
  abandonmentId: string;
  touchId: string;
  sequence: number;
  incentive: 'percent_10' | 'free_shipping';
  issuedAt: Date;
}

/**
 * The ledger entries an abandonment plans: one per touch that carries an incentive (its touch id
 * says which delivery settles it). None for a shopper we could not recognise again.
 */
export function plannedIncentives(a: Abandonment, issuedAt: Date): PlannedIncentive[] {
  const subjects = incentiveSubjects(a.customer);
  if (subjects.length === 0) return [];
  return a.plan.flatMap((touch) =>
    touch.incentive === 'none'
      ? []
      : [
          {
            storeId: a.storeId,
            subjects,
            abandonmentId: a.abandonmentId,
            touchId: touch.touchId,
            sequence: touch.sequence,
            incentive: touch.incentive,
            issuedAt,
          },
        ],
  );
}
