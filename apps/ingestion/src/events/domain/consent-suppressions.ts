import { Channels, consentScopes, type StorefrontEvent, type Suppression } from '@reclaim/contracts';

/** What an event's consent fields do to the suppression topic. */
export interface ConsentChanges {
  /** `consent_withdrawn` suppressions, one per subject the event names, for each channel set to false. */
  withdrawals: Suppression[];
  /** Scopes whose withdrawal a `consent.updated` granting the channel again lifts (tombstones). */
  lifted: string[];
}

/**
 * Consent is checked when a touch fires: a withdrawal becomes a suppression in the same Kafka
 * transaction as its event, under every subject the event names (the cart, the customer id, the
 * channel's address — see `consentScopes`), so the channels' suppression barrier sees it. Any event
 * that carries `false` withdraws (never contact someone who said no). Only an explicit
 * `consent.updated` carrying `true` lifts, and only the subjects it names; a `true` riding on other
 * events is taken as unchanged here (segmentation still records it for new plans).
 */
export function consentChanges(storeId: string, event: StorefrontEvent, receivedAt: Date): ConsentChanges {
  const changes: ConsentChanges = { withdrawals: [], lifted: [] };
  if (!event.consent || !event.cartId) return changes;
  const who = {
    cartId: event.cartId,
    customerId: event.customer?.id,
    email: event.customer?.email,
    phone: event.customer?.phone,
  };
  for (const channel of Channels) {
    const given = event.consent[channel];
    if (given === false) {
      for (const scope of consentScopes(channel, storeId, who)) {
        changes.withdrawals.push({
          scope,
          storeId,
          reason: 'consent_withdrawn',
          cartId: event.cartId,
          ...(who.customerId ? { customerId: who.customerId } : {}),
          sourceEventId: event.id,
          suppressedAt: receivedAt.toISOString(),
        });
      }
    } else if (given === true && event.type === 'consent.updated') {
      changes.lifted.push(...consentScopes(channel, storeId, who));
    }
  }
  return changes;
}
