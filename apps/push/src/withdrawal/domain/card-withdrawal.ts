import type { Suppression } from '@reclaim/contracts';
import { candidateScopes, judgeSuppression, type Recipient } from '@reclaim/suppression';

/** The `type` of the message that tells a service worker or app to close a cart's card. */
export const CARD_WITHDRAWN = 'reclaim.card.withdrawn';

/**
 * What a withdrawal says (the web push payload; FCM `data`): close the card with this `tag` (the
 * card's own tag, also its web push `Topic` and FCM collapse key).
 */
export interface CardWithdrawal {
  type: typeof CARD_WITHDRAWN;
  cartId: string;
  tag: string;
}

/** How long a push service keeps an undelivered withdrawal: it only has to outlive a card it replaces or follows. */
const WITHDRAWAL_TTL_MS = 60 * 60_000;

export const withdrawalTtlMs = (cardTtlMs: number): number => Math.min(WITHDRAWAL_TTL_MS, cardTtlMs);

export const withdrawalOf = (card: { cartId: string; tag: string }): CardWithdrawal => ({
  type: CARD_WITHDRAWN,
  cartId: card.cartId,
  tag: card.tag,
});

/** The scopes a card is found by when a suppression arrives: every scope that could stop its recipient. */
export const cardScopes = (recipient: Recipient): string[] => candidateScopes(recipient);

/**
 * Whether an order suppression withdraws a card sent to this recipient: only `order_completed`
 * (an opt-out stops future cards, it does not unsay one), by the same rule the send path judges
 * with — the cart's own scope always, a customer or shopper scope only for carts last touched at
 * or before the order.
 */
export function orderWithdraws(
  recipient: Recipient,
  s: Pick<Suppression, 'scope' | 'reason' | 'suppressedAt'>,
): boolean {
  if (s.reason !== 'order_completed') return false;
  return judgeSuppression(recipient, [{ scope: s.scope, reason: s.reason, suppressedAt: new Date(s.suppressedAt) }])
    .suppressed;
}
