import { lineScrubber, redactContactDetails, redactTokens, secretValues, serializeRequest } from './log-redaction';

describe(redactTokens.name, () => {
  it.each([
    ['/r/eyJzIjoic2hvcCJ9.abc', '/r/[redacted]'],
    ['/unsubscribe/eyJlIjoiYUBiLmNvIn0.sig?x=1', '/unsubscribe/[redacted]?[redacted]'],
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

describe(secretValues.name, () => {
  it('takes every value under a secret-named key and the password of every URL setting', () => {
    const sut = secretValues({
      RESUME_LINK_SECRET: 'resume-secret-0123456789',
      SMS_AUTH_TOKEN: 'twilio-token-abcdef',
      INGESTION_API_KEYS: [{ storeId: 'store-a', key: 'key-aaaa-0001' }],
      SMTP_URL: 'smtp://mailer:p%40ss-word!@smtp.example:587',
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/reclaim',
      LOG_LEVEL: 'info',
      EMAIL_FROM: 'Shop <shop@example.com>',
    });
    expect(sut.sort()).toEqual(
      ['key-aaaa-0001', 'p@ss-word!', 'resume-secret-0123456789', 'twilio-token-abcdef'].sort(),
    );
  });
});

describe(lineScrubber.name, () => {
  const scrub = lineScrubber(['resume-secret-0123456789', 'quote"secret\\x']);

  it('masks a secret wherever it stands in the line, JSON-escaped or URL-encoded too', () => {
    const line = JSON.stringify({
      msg: 'GET /debug/resume-secret-0123456789',
      err: { message: 'bad key quote"secret\\x', stack: 'at x (resume-secret-0123456789)' },
      url: `/x?k=${encodeURIComponent('quote"secret\\x')}`,
    });
    const out = scrub(line);
    expect(out).not.toMatch(/resume-secret|quote/);
    expect(JSON.parse(out)).toEqual({
      msg: 'GET /debug/[redacted-secret]',
      err: { message: 'bad key [redacted-secret]', stack: 'at x ([redacted-secret])' },
      url: '/x?k=[redacted-secret]',
    });
  });

  it('masks link tokens and contact details in nested values', () => {
    const line = JSON.stringify({
      err: { message: 'GET /r/eyJ0b2tlbiJ9.c2ln failed for ada@example.com, +447700900123' },
    });
    expect(JSON.parse(scrub(line))).toEqual({
      err: { message: 'GET /r/[redacted] failed for [redacted-email], [redacted-phone]' },
    });
  });
});

describe(serializeRequest.name, () => {
  it('keeps neither route parameters nor the query, and masks the token in the URL', () => {
    expect(
      serializeRequest({
        method: 'GET',
        url: '/unsubscribe/eyJ0.sig?e=x',
        params: { splat: ['unsubscribe', 'eyJ0.sig'] },
        query: { e: 'x' },
      }),
    ).toEqual({ method: 'GET', url: '/unsubscribe/[redacted]?[redacted]' });
  });
});
