import { classifyProviderFailure, failureReason, recipientOptedOut } from './provider-failure';

describe(classifyProviderFailure.name, () => {
  const sut = classifyProviderFailure;

  it('retries when nothing of the request was written', () => {
    expect(sut({ stage: 'connect', networkCode: 'ECONNREFUSED' })).toBe('transient');
    expect(sut({ stage: 'before_write', networkCode: 'ECONNRESET' })).toBe('transient');
  });

  it('calls a lost answer after the request was written ambiguous: never resent', () => {
    expect(sut({ stage: 'after_write', networkCode: 'TIMEOUT' })).toBe('ambiguous');
    expect(sut({ stage: 'after_write', networkCode: 'ECONNRESET' })).toBe('ambiguous');
  });

  it('retries rate limits, server errors and our own credentials', () => {
    expect(sut({ stage: 'answered', httpStatus: 429, providerCode: 20429 })).toBe('transient');
    expect(sut({ stage: 'answered', httpStatus: 500 })).toBe('transient');
    expect(sut({ stage: 'answered', httpStatus: 503 })).toBe('transient');
    expect(sut({ stage: 'answered', httpStatus: 401, providerCode: 20003 })).toBe('transient');
  });

  it('gives up on the provider refusing the message', () => {
    expect(sut({ stage: 'answered', httpStatus: 400, providerCode: 21211 })).toBe('permanent');
    expect(sut({ stage: 'answered', httpStatus: 400, providerCode: 21610 })).toBe('permanent');
    expect(sut({ stage: 'answered', httpStatus: 400, providerCode: 21614 })).toBe('permanent');
    expect(sut({ stage: 'answered', httpStatus: 404 })).toBe('permanent');
  });

  it('does not guess about an answer it cannot read as a send', () => {
    expect(sut({ stage: 'answered', httpStatus: 302 })).toBe('ambiguous');
  });
});

describe(failureReason.name, () => {
  it('prefers the provider code, then the status, then the network code', () => {
    expect(failureReason({ stage: 'answered', httpStatus: 400, providerCode: 21211 })).toBe('twilio_21211');
    expect(failureReason({ stage: 'answered', httpStatus: 502 })).toBe('http_502');
    expect(failureReason({ stage: 'after_write', networkCode: 'TIMEOUT' })).toBe('network_TIMEOUT');
  });
});

describe(recipientOptedOut.name, () => {
  it('recognises Twilio 21610 only', () => {
    expect(recipientOptedOut({ stage: 'answered', httpStatus: 400, providerCode: 21610 })).toBe(true);
    expect(recipientOptedOut({ stage: 'answered', httpStatus: 400, providerCode: 21211 })).toBe(false);
  });
});
