import { classifySmtpFailure } from './smtp-failure';

describe(classifySmtpFailure.name, () => {
  const sut = classifySmtpFailure;

  it('retries 4xx replies and 503', () => {
    expect(sut({ code: 'EMESSAGE', responseCode: 451 })).toBe('transient');
    expect(sut({ code: 'EENVELOPE', responseCode: 421 })).toBe('transient');
    expect(sut({ code: 'EPROTOCOL', responseCode: 503 })).toBe('transient');
  });

  it('gives up on 5xx replies', () => {
    expect(sut({ code: 'EENVELOPE', responseCode: 550 })).toBe('permanent');
    expect(sut({ code: 'EMESSAGE', responseCode: 554 })).toBe('permanent');
  });

  it('retries a refused or unreachable connection', () => {
    expect(sut({ code: 'ESOCKET', originalCode: 'ECONNREFUSED', command: 'CONN' })).toBe('transient');
    expect(sut({ code: 'ESOCKET', originalCode: 'ECONNREFUSED' })).toBe('transient');
    expect(sut({ code: 'ETIMEDOUT', timeoutType: 'GREETING_TIMEOUT' })).toBe('transient');
    expect(sut({ code: 'EDNS' })).toBe('transient');
  });

  it('calls a connection lost mid-conversation ambiguous', () => {
    expect(sut({ code: 'ECONNECTION' })).toBe('ambiguous');
    expect(sut({ code: 'ETIMEDOUT', timeoutType: 'SOCKET_TIMEOUT' })).toBe('ambiguous');
    expect(sut({})).toBe('ambiguous');
  });

  it('treats an invalid envelope without a reply as permanent', () => {
    expect(sut({ code: 'EENVELOPE' })).toBe('permanent');
  });
});
