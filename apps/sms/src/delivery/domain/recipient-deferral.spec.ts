import { isRecipientDeferral } from './recipient-deferral';

describe(isRecipientDeferral.name, () => {
  const sut = isRecipientDeferral;

  it('is an answered 429 or 408', () => {
    expect(sut({ stage: 'answered', httpStatus: 429, providerCode: 20429, retryAfterMs: 2_000 })).toBe(true);
    expect(sut({ stage: 'answered', httpStatus: 408 })).toBe(true);
  });

  it('is not our credentials, a provider outage, or a connection that never carried the request', () => {
    expect(sut({ stage: 'answered', httpStatus: 401 })).toBe(false);
    expect(sut({ stage: 'answered', httpStatus: 503, providerCode: 20503 })).toBe(false);
    expect(sut({ stage: 'connect', networkCode: 'ECONNREFUSED' })).toBe(false);
    expect(sut({ stage: 'before_write', networkCode: 'ECONNRESET' })).toBe(false);
  });
});
