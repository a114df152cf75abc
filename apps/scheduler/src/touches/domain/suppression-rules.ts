import type { TouchDue } from '@reclaim/contracts';
import { candidateScopes, judgeSuppression, recipientOf } from '@reclaim/suppression';

/** A suppression as the scheduler keeps it (one per scope; a tombstone deletes it). */
export interface SuppressionFact {
  scope: string;
  reason: string;
  suppressedAt: Date;
}

/** What the rules read of a touch: its payload (channel, address, customer, cart and its times). */
export interface SuppressibleTouch {
  payload: TouchDue;
}

/**
 * Every scope that could stop this touch — what to look up in the suppressions table, and what
 * the `stop_scopes` column indexes. The rules are the channels' own (libs/suppression): the cart,
 * the channel's address, the channel's consent subjects, and — bounded by the cart's last
 * activity — the customer's or the shopper e-mail's orders.
 */
export function stopScopes(touch: SuppressibleTouch): string[] {
  return candidateScopes(recipientOf(touch.payload));
}

/** The suppression that stops this touch, most specific scope first, if any. */
export function suppressionFor(
  touch: SuppressibleTouch,
  suppressions: ReadonlyArray<SuppressionFact>,
): SuppressionFact | undefined {
  const verdict = judgeSuppression(recipientOf(touch.payload), suppressions);
  return verdict.suppressed ? suppressions.find((s) => s.scope === verdict.scope) : undefined;
}

export function suppressionApplies(suppression: SuppressionFact, touch: SuppressibleTouch): boolean {
  return suppressionFor(touch, [suppression]) !== undefined;
}

/** The pending touches a newly recorded suppression cancels. */
export function touchesCancelledBy<T extends SuppressibleTouch & { status: string }>(
  suppression: SuppressionFact,
  touches: ReadonlyArray<T>,
): T[] {
  return touches.filter((t) => t.status === 'scheduled' && suppressionApplies(suppression, t));
}
