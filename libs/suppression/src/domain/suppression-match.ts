import { consentScopes, SuppressionScopes, type Channel, type TouchDue } from '@reclaim/contracts';

/** One row of the materialised suppression view. */
export interface SuppressionEntry {
  scope: string;
  reason: string;
  suppressedAt: Date;
}

/**
 * Who a message would go to, on which channel, and when the shopper last touched the cart.
 *
 * Two kinds of stop apply, and they find the shopper differently:
 * - a purchase stops the shopper on every channel, found by any identifier the shopper is known
 *   by — customer id, e-mail address, phone number — whatever channel the message takes;
 * - an opt-out (unsubscribe, STOP, bounce, complaint, consent withdrawn) stops one channel, found
 *   by that channel's own address only (`channelAddress`): an e-mail unsubscribe never stops an
 *   SMS, nor a STOP an e-mail.
 */
export interface Recipient {
  storeId: string;
  cartId: string;
  /** The channel the message would go out on: its address and consent scopes apply, not the other channels'. */
  channel: Channel;
  /** The shopper's identifiers, all of them, whatever the channel. */
  customerId?: string | undefined;
  email?: string | undefined;
  phone?: string | undefined;
  /**
   * The cart's last shopper activity before it was abandoned. An order by the same customer or
   * e-mail (time-bounded scopes) stops the carts last touched at or before it — also one still
   * open at order time and abandoned later — but not a cart worked on after the order.
   */
  lastActivityAt?: Date | undefined;
  /** When the cart was abandoned: the bound for time-bounded scopes when the last activity is unknown. */
  abandonedAt?: Date | undefined;
}

export type SuppressionVerdict =
  { suppressed: false } | { suppressed: true; scope: string; reason: string; suppressedAt: Date };

/** The recipient of a due touch: every identifier of its shopper, its channel and its cart's times. */
export function recipientOf(touch: TouchDue): Recipient {
  const date = (iso: string | undefined) => (iso ? new Date(iso) : undefined);
  return {
    storeId: touch.storeId,
    cartId: touch.cartId,
    channel: touch.channel,
    customerId: touch.customer.id,
    email: touch.customer.email,
    phone: touch.customer.phone,
    lastActivityAt: date(touch.lastActivityAt),
    abandonedAt: date(touch.abandonedAt),
  };
}

/** The channel's own address, where opt-outs are kept: the e-mail for email, the phone for SMS; push has none. */
export function channelAddress(r: Recipient): { email?: string | undefined; phone?: string | undefined } {
  if (r.channel === 'email') return { email: r.email };
  if (r.channel === 'sms') return { phone: r.phone };
  return {};
}

/** Scopes that stop only carts last touched at or before the suppression (an order's customer-wide reach). */
const isTimeBounded = (scope: string): boolean => scope.startsWith('customer:') || scope.startsWith('shopper:');

/** Every scope that could stop a message to this recipient, most specific first. */
export function candidateScopes(r: Recipient): string[] {
  const scopes = [SuppressionScopes.cart(r.storeId, r.cartId)];
  // Opt-outs: the channel's own address and its consent.
  const address = channelAddress(r);
  if (address.email) scopes.push(SuppressionScopes.email(r.storeId, address.email));
  if (address.phone) scopes.push(SuppressionScopes.sms(r.storeId, address.phone));
  scopes.push(...consentScopes(r.channel, r.storeId, { cartId: r.cartId, customerId: r.customerId, ...address }));
  // Purchases: the shopper by every identifier, on every channel.
  if (r.customerId) scopes.push(SuppressionScopes.customer(r.storeId, r.customerId));
  if (r.email) scopes.push(SuppressionScopes.shopperEmail(r.storeId, r.email));
  if (r.phone) scopes.push(SuppressionScopes.shopperPhone(r.storeId, r.phone));
  return scopes;
}

/**
 * The suppression rules, given the entries for the candidate scopes:
 * - cart scope: always (that cart was ordered);
 * - contact scopes (email, sms): always (unsubscribe, STOP, bounce, complaint);
 * - consent scopes of the recipient's channel: always, until a grant lifts them (a tombstone
 *   removes the entry);
 * - customer and shopper-e-mail scopes (an order): only when the cart was last touched at or
 *   before the order — without a known time, any such suppression counts (the safe side).
 */
export function judgeSuppression(r: Recipient, entries: ReadonlyArray<SuppressionEntry>): SuppressionVerdict {
  const byScope = new Map(entries.map((e) => [e.scope, e]));
  const since = r.lastActivityAt ?? r.abandonedAt;
  for (const scope of candidateScopes(r)) {
    const entry = byScope.get(scope);
    if (!entry) continue;
    if (isTimeBounded(scope) && since && entry.suppressedAt.getTime() < since.getTime()) continue;
    return { suppressed: true, scope, reason: entry.reason, suppressedAt: entry.suppressedAt };
  }
  return { suppressed: false };
}

/** True when the view has read every partition up to the given high watermarks. */
export function caughtUp(positions: ReadonlyMap<number, bigint>, highWatermarks: ReadonlyMap<number, bigint>): boolean {
  for (const [partition, high] of highWatermarks) {
    if ((positions.get(partition) ?? 0n) < high) return false;
  }
  return true;
}

/**
 * Why stored view positions cannot belong to the topic as it is now, one line per partition
 * (empty when they can): a position past the partition's end, or a partition read (position > 0)
 * of which Kafka holds no commit by the view's group.
 */
export function staleViewSigns(
  positions: ReadonlyMap<number, bigint>,
  highWatermarks: ReadonlyMap<number, bigint>,
  committed: ReadonlyMap<number, bigint>,
): string[] {
  const signs: string[] = [];
  for (const [partition, next] of positions) {
    const end = highWatermarks.get(partition) ?? 0n;
    if (next > end) signs.push(`p${partition}: position ${next} past the end ${end}`);
    else if (next > 0n && !committed.has(partition))
      signs.push(`p${partition}: position ${next}, but the group has no commit on the topic`);
  }
  return signs;
}
