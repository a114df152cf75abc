import { classifySmtpFailure, deadAddressStatus, isRecipientDeferral } from './smtp-failure';

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

describe(deadAddressStatus.name, () => {
  const sut = deadAddressStatus;
  const rcpt = (response: string) => ({
    code: 'EENVELOPE',
    command: 'RCPT TO',
    responseCode: Number(response.slice(0, 3)),
    response,
  });

  it('names a recipient refused at RCPT TO for a dead address', () => {
    expect(sut(rcpt('550 5.1.1 <ann@example.com>: Recipient address rejected: User unknown'))).toBe('5.1.1');
    expect(sut(rcpt('553 5.1.3 bad address syntax'))).toBe('5.1.3');
    expect(sut(rcpt('556 5.1.10 recipient domain has a null MX'))).toBe('5.1.10');
    expect(sut(rcpt('550-5.2.1 The email account that you tried to reach is disabled.'))).toBe('5.2.1');
  });

  it('does not take a policy block, a full mailbox or a bare 550 for a dead address', () => {
    expect(sut(rcpt('550 5.7.1 Message rejected due to policy'))).toBeUndefined();
    expect(sut(rcpt('552 5.2.2 Mailbox full'))).toBeUndefined();
    expect(sut(rcpt('550 Requested action not taken'))).toBeUndefined();
  });

  it('does not take a temporary refusal, or a refusal of something other than the recipient', () => {
    expect(sut(rcpt('450 4.1.1 mailbox temporarily unavailable'))).toBeUndefined();
    expect(sut({ ...rcpt('550 5.1.1 user unknown'), command: 'MAIL FROM' })).toBeUndefined();
    expect(sut({ code: 'EMESSAGE', command: 'DATA', responseCode: 554, response: '554 5.1.1 x' })).toBeUndefined();
  });
});

describe(isRecipientDeferral.name, () => {
  const sut = isRecipientDeferral;

  it('is a 4xx for the recipient at RCPT TO or after the data', () => {
    expect(sut({ responseCode: 451, command: 'RCPT TO', response: '451 4.7.1 greylisted' })).toBe(true);
    expect(sut({ responseCode: 452, command: 'RCPT TO', response: '452 4.2.2 mailbox full' })).toBe(true);
    expect(sut({ responseCode: 450, command: 'DATA', response: '450 4.2.1 mailbox busy' })).toBe(true);
  });

  it('is not the server going away, nor anything before the envelope, nor a permanent refusal', () => {
    expect(sut({ responseCode: 421, command: 'RCPT TO', response: '421 4.3.2 shutting down' })).toBe(false);
    expect(sut({ responseCode: 451, command: 'MAIL FROM' })).toBe(false);
    expect(sut({ code: 'ECONNECTION', command: 'CONN' })).toBe(false);
    expect(sut({ responseCode: 550, command: 'RCPT TO', response: '550 5.1.1 no such user' })).toBe(false);
  });
});
