import { TwilioCapture } from '@reclaim/testing';
import { ChannelRace, describeRace } from './channel-race';

const ACCOUNT_SID = `AC${'0123456789abcdef'.repeat(2)}`;
const SENDER = '+15005550006';
const CARTS = 240;

/**
 * A time zone where it is day for the next hours (09:00–19:00 local), so the shipped SMS quiet
 * hours (21:00–08:00, checked again at send time) hold nothing back: this race is about the
 * suppression barrier; quiet hours have their own specs. Zones ≤ 5 h apart: one always fits.
 */
function daytimeZone(now = new Date()): string {
  const zones = [
    'Pacific/Kiritimati',
    'Asia/Tokyo',
    'Asia/Kolkata',
    'Europe/Paris',
    'America/New_York',
    'America/Los_Angeles',
    'Pacific/Honolulu',
  ];
  const hourIn = (timeZone: string) =>
    Number(new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', hourCycle: 'h23' }).format(now));
  const zone = zones.find((z) => hourIn(z) >= 9 && hourIn(z) < 19);
  if (!zone) throw new Error('no daytime zone in the list: add one');
  return zone;
}

jest.setTimeout(240_000);

/**
 * The suppression guarantee for SMS at the shipped defaults (order ack guard 200 ms, SMS freshness
 * 60 ms): ingestion and the sms service as processes, the provider a local Twilio-compatible server
 * that records when each request arrived. After POST /v1/events answered 202 for an order (of the
 * touch's cart, or the same phone's other cart), no request for that shopper may reach the
 * provider; no touch is sent twice; each touch has exactly one outcome. See channel-race.ts.
 */
describe('SMS suppression guarantee under races, at the shipped defaults', () => {
  let twilio: TwilioCapture;
  let race: ChannelRace;
  const phoneOf = (i: number) => `+1415555${String(1000 + i).padStart(4, '0')}`;
  const timezone = daytimeZone();

  beforeAll(async () => {
    twilio = await TwilioCapture.start();
    race = new ChannelRace({
      channel: 'sms',
      env: {
        SMS_PROVIDER_BASE_URL: twilio.url,
        SMS_ACCOUNT_SID: ACCOUNT_SID,
        SMS_AUTH_TOKEN: 'race-auth-token',
        SMS_STORES: JSON.stringify({ 'race-store': { name: 'Race Shop', from: SENDER } }),
      },
      customer: (i) => ({ phone: phoneOf(i), timezone }),
      arrivals: (c) => twilio.requestsTo(phoneOf(c.index)).map((r) => r.at),
    });
    await race.start();
  });

  afterAll(async () => {
    await race?.stop();
    await twilio?.stop();
  });

  it('never hands an SMS to the provider after the order was acknowledged, and never sends a touch twice', async () => {
    const r = await race.run({
      carts: CARTS,
      spreadMs: 40_000,
      beforeMs: 300,
      afterHandOffMs: 400,
      republishShare: 0.25,
    });
    process.stderr.write(describeRace('sms', r));
    const outcomes = [...r.outcomes.values()];

    expect(r.late).toEqual([]);
    expect(r.doubleSends).toEqual([]);
    expect(r.notOneOutcome).toEqual([]);
    expect(outcomes.filter((o) => o !== 'sent' && o !== 'skipped:suppressed:order_completed')).toEqual([]);
    // Liveness: messages went out next to orders, and orders stopped others (floors: see the report).
    expect(outcomes.filter((o) => o === 'sent').length).toBeGreaterThanOrEqual(30);
    expect(outcomes.filter((o) => o.startsWith('skipped:suppressed')).length).toBeGreaterThanOrEqual(30);
    expect(r.reReported).toBeGreaterThan(0);
  });
});
