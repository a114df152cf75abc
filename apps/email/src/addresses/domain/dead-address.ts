/**
 * RFC 3463 enhanced status codes that say the address itself cannot receive mail: bad mailbox
 * (5.1.1), bad system (5.1.2), bad syntax (5.1.3), mailbox moved (5.1.6), null MX (5.1.10),
 * mailbox disabled (5.2.1). Policy and content refusals (5.7.x, 5.2.2 full mailbox, …) are not.
 * One list for both places a dead address is learnt: a refusal at hand-off (delivery) and a
 * report that comes back later (bounces).
 */
const DEAD_ADDRESS_STATUSES = new Set(['5.1.1', '5.1.2', '5.1.3', '5.1.6', '5.1.10', '5.2.1']);

/** Whether an RFC 3463 status says the address itself cannot receive mail. */
export function isDeadAddressStatus(status: string): boolean {
  return DEAD_ADDRESS_STATUSES.has(status);
}
