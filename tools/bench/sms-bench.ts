import { TwilioCapture } from '@reclaim/testing';
import { benchTouch, type ChannelRig } from './channel-bench';

/** The SMS service handing messages to a local server speaking Twilio's Messages API (libs/testing). */
export async function smsRig(runId: string): Promise<ChannelRig> {
  const twilio = await TwilioCapture.start();
  return {
    channel: 'sms',
    env: {
      SMS_PROVIDER_BASE_URL: twilio.url,
      SMS_ACCOUNT_SID: 'ACbench0000000000000000000000000000',
      SMS_AUTH_TOKEN: 'bench-auth-token',
      SMS_STORES: JSON.stringify({ bench: { name: 'Bench Store', from: '+15005550006' } }),
      // The bench's shoppers have no time zone: the most restrictive reading would hold SMS back.
      SMS_QUIET_HOURS: 'off',
    },
    handedOff: () => twilio.requests.length,
    touch: (i) =>
      benchTouch('sms', i, runId, 'sms-reminder', {
        id: `c-${runId}-${i}`,
        phone: `+1415${String(i + 1).padStart(7, '0')}`,
      }),
    stop: () => twilio.stop(),
  };
}
