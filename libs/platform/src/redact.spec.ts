import { redactContactDetails, redactLogRecord, redactTokens } from './platform.module';

describe(redactTokens.name, () => {
  it.each([
    ['/r/eyJzIjoic2hvcCJ9.abc', '/r/[redacted]'],
    ['/unsubscribe/eyJlIjoiYUBiLmNvIn0.sig?x=1', '/unsubscribe/[redacted]?x=1'],
    ['/v1/events', '/v1/events'],
    ['/health', '/health'],
  ])('logs %s as %s', (url, logged) => {
    expect(redactTokens(url)).toBe(logged);
  });
});

describe(redactContactDetails.name, () => {
  it('masks addresses and E.164 numbers inside provider error text', () => {
    expect(
      redactContactDetails('550 5.1.1 <ada.lovelace+x@example.co.uk>: no such user; sms to +447700900123 failed'),
    ).toBe('550 5.1.1 <[redacted-email]>: no such user; sms to [redacted-phone] failed');
  });

  it('leaves text without contact details alone', () => {
    expect(redactContactDetails('touch touch-1 retried after 250 ms (+3 attempts)')).toBe(
      'touch touch-1 retried after 250 ms (+3 attempts)',
    );
  });
});

describe(redactLogRecord.name, () => {
  it('scrubs every top-level string and keeps other values', () => {
    expect(redactLogRecord({ msg: 'SMTP send failed', error: 'rejected ada@example.com', attempts: 2 })).toEqual({
      msg: 'SMTP send failed',
      error: 'rejected [redacted-email]',
      attempts: 2,
    });
  });
});
