import { shopperKey, type Abandonment, type DeliveryStatus, type IncentiveKind } from '@reclaim/contracts';
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

/**
 * The sequence an incentive rides on. The scheduler keeps one live sequence per cart and per
 * shopper (`shopperKey`): the most recently touched cart's, by its last activity.
 */
export interface SequenceOwner {
  cartId: string;
  shopperKey: string;
  lastActivityAt: Date;
}

export interface LedgerEntry {
  issuedAt: Date;
  settlement: IncentiveSettlement;
  /** Null for rows recorded before the ledger kept it (they count while planned, as before). */
  owner: SequenceOwner | null;
}

/**
 * True for a pending incentive whose sequence the abandonment being planned will supersede (the
 * same cart or the same shopper, touched earlier): the scheduler cancels that sequence, so the
 * incentive will be released and must not deny the new, live sequence its own. Otherwise a
 * shopper who leaves two carts close together — or comes back and leaves again — would get none.
 */
export function willBeSuperseded(entry: LedgerEntry, arriving: SequenceOwner): boolean {
  if (entry.settlement.status !== 'planned' || !entry.owner) return false;
  const sameLine = entry.owner.cartId === arriving.cartId || entry.owner.shopperKey === arriving.shopperKey;
  return sameLine && entry.owner.lastActivityAt.getTime() < arriving.lastActivityAt.getTime();
}

/**
 * Where an incentive's cooldown starts, or undefined when it no longer counts: a pending one
 * from when it was planned, a delivered one from when it went out (never before it was planned).
 */
export function cooldownStart(entry: Pick<LedgerEntry, 'issuedAt' | 'settlement'>): Date | undefined {
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

/**
 * The latest cooldown start among a shopper's incentives (what the cooldown is measured from),
 * leaving out the pending ones the `arriving` abandonment will supersede.
 */
export function lastCountingIncentiveAt(
  entries: ReadonlyArray<LedgerEntry>,
  arriving?: SequenceOwner,
): Date | undefined {
  let last: Date | undefined;
  for (const entry of entries) {
    if (arriving && willBeSuperseded(entry, arriving)) continue;
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
  incentive: IncentiveKind;
  issuedAt: Date;
  owner: SequenceOwner;
}

/** The sequence an abandonment starts, as the scheduler will rank it. */
export function sequenceOwnerOf(
  a: Pick<Abandonment, 'storeId' | 'cartId' | 'customer' | 'lastActivityAt'>,
): SequenceOwner {
  return {
    cartId: a.cartId,
    shopperKey: shopperKey(a.storeId, a.cartId, a.customer),
    lastActivityAt: new Date(a.lastActivityAt),
  };
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
            owner: sequenceOwnerOf(a),
          },
        ],
  );
}
