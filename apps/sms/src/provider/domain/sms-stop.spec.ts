import { Suppression } from '@reclaim/contracts';
import { smsStop } from './sms-stop';

describe(smsStop.name, () => {
  const at = new Date('2026-12-02T10:00:00.000Z');

  it('suppresses the number for the store on SMS, with a valid suppression record', () => {
    const sut = smsStop('shop', '+14155550100', 'inbound:SM123', at);
    expect(Suppression.parse(sut)).toEqual(sut);
    expect(sut).toMatchObject({
      scope: 'contact:sms:shop:+14155550100',
      reason: 'sms_stop',
      suppressedAt: at.toISOString(),
    });
  });

  it('derives its id from the provider event, so a redelivered one is the same record', () => {
    expect(smsStop('shop', '+1415', 'inbound:SM1', at).sourceEventId).toBe(
      smsStop('shop', '+1415', 'inbound:SM1', new Date()).sourceEventId,
    );
    expect(smsStop('shop', '+1415', 'inbound:SM1', at).sourceEventId).not.toBe(
      smsStop('shop', '+1415', 'status:SM1', at).sourceEventId,
    );
  });
});
