import { SuppressionScopes, type Suppression } from '@reclaim/contracts';
import { derivedId } from '@reclaim/core';

/**
 * The suppression a STOP makes — an inbound STOP keyword, or the provider telling us the number
 * opted out (Twilio 21610): the number receives nothing more from the store on SMS. `source` names
 * the provider event, so a redelivered one republishes the same record.
 */
export function smsStop(storeId: string, phone: string, source: string, at: Date): Suppression {
  return {
    scope: SuppressionScopes.sms(storeId, phone),
    storeId,
    reason: 'sms_stop',
    sourceEventId: derivedId('sms-stop', source),
    suppressedAt: at.toISOString(),
  };
}
