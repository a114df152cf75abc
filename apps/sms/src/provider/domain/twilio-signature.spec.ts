import { twilioSignature, verifyTwilioSignature } from './twilio-signature';

describe(twilioSignature.name, () => {
  // The example from Twilio's security documentation (auth token 12345).
  const url = 'https://mycompany.com/myapp.php?foo=1&bar=2';
  const params = new URLSearchParams({
    CallSid: 'CA1234567890ABCDE',
    Caller: '+12349013030',
    Digits: '1234',
    From: '+12349013030',
    To: '+18005551212',
  });

  it('matches the documented example', () => {
    expect(twilioSignature('12345', url, params)).toBe('0/KCTR6DLpKmkAf8muzZqo1nDgQ=');
  });

  it('does not depend on the order the parameters arrived in', () => {
    const reversed = new URLSearchParams([...params].reverse());
    expect(twilioSignature('12345', url, reversed)).toBe(twilioSignature('12345', url, params));
  });
});

describe(verifyTwilioSignature.name, () => {
  const sut = verifyTwilioSignature;
  const url = 'https://sms.example/sms/inbound';
  const params = new URLSearchParams({ MessageSid: 'SM1', From: '+14155550100', Body: 'STOP' });
  const good = twilioSignature('token', url, params);

  it('accepts the right signature', () => {
    expect(sut('token', url, params, good)).toBe(true);
  });

  it('rejects a changed body, another URL, another key, or no header', () => {
    expect(
      sut('token', url, new URLSearchParams({ MessageSid: 'SM1', From: '+14155550100', Body: 'START' }), good),
    ).toBe(false);
    expect(sut('token', 'https://sms.example/sms/status', params, good)).toBe(false);
    expect(sut('other', url, params, good)).toBe(false);
    expect(sut('token', url, params, undefined)).toBe(false);
    expect(sut('', url, params, twilioSignature('', url, params))).toBe(false);
  });
});
