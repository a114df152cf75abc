import { classifyFcmResponse, classifyHandoffFailure, classifyWebPushResponse, fcmErrorCode } from './push-outcome';

describe(classifyWebPushResponse.name, () => {
  const sut = classifyWebPushResponse;

  it('takes 201 as sent, with the message resource as the provider id', () => {
    expect(sut(201, 'https://push.example/m/abc', 'fallback')).toEqual({
      kind: 'sent',
      providerMessageId: 'https://push.example/m/abc',
    });
    expect(sut(201, undefined, 'fallback')).toEqual({ kind: 'sent', providerMessageId: 'fallback' });
  });

  it('calls 404 and 410 a subscription that is gone', () => {
    expect(sut(404, undefined, 'x')).toEqual({ kind: 'gone', reason: 'subscription_gone:404' });
    expect(sut(410, undefined, 'x')).toEqual({ kind: 'gone', reason: 'subscription_gone:410' });
  });

  it('retries 429 and 5xx', () => {
    for (const status of [429, 500, 502, 503]) expect(sut(status, undefined, 'x').kind).toBe('retry');
  });

  it('gives up on other refusals without deleting the subscription', () => {
    expect(sut(413, undefined, 'x')).toEqual({ kind: 'rejected', reason: 'push_payload_too_large:413' });
    expect(sut(403, undefined, 'x')).toEqual({ kind: 'rejected', reason: 'push_vapid_rejected:403' });
    expect(sut(400, undefined, 'x')).toEqual({ kind: 'rejected', reason: 'push_rejected:400' });
  });
});

describe(classifyFcmResponse.name, () => {
  const sut = classifyFcmResponse;
  const fcmError = (status: number, canonical: string, errorCode?: string) => ({
    error: {
      code: status,
      message: 'x',
      status: canonical,
      details: errorCode ? [{ '@type': 'type.googleapis.com/google.firebase.fcm.v1.FcmError', errorCode }] : [],
    },
  });

  it('takes 200 with a message name as sent', () => {
    expect(sut(200, { name: 'projects/p/messages/0:1' })).toEqual({
      kind: 'sent',
      providerMessageId: 'projects/p/messages/0:1',
    });
  });

  it('deletes the token on UNREGISTERED or 404', () => {
    expect(sut(404, fcmError(404, 'NOT_FOUND', 'UNREGISTERED')).kind).toBe('gone');
    expect(sut(400, fcmError(400, 'INVALID_ARGUMENT', 'UNREGISTERED')).kind).toBe('gone');
    expect(sut(404, undefined).kind).toBe('gone');
  });

  it('renews the access token on 401 and retries quota and server errors', () => {
    expect(sut(401, fcmError(401, 'UNAUTHENTICATED'))).toEqual({
      kind: 'retry',
      reason: 'fcm_401',
      renewAccessToken: true,
    });
    expect(sut(429, fcmError(429, 'RESOURCE_EXHAUSTED', 'QUOTA_EXCEEDED'))).toEqual({
      kind: 'retry',
      reason: 'fcm_QUOTA_EXCEEDED',
    });
    expect(sut(503, fcmError(503, 'UNAVAILABLE', 'UNAVAILABLE')).kind).toBe('retry');
  });

  it('records other refusals as failed without deleting the token', () => {
    expect(sut(400, fcmError(400, 'INVALID_ARGUMENT', 'INVALID_ARGUMENT'))).toEqual({
      kind: 'rejected',
      reason: 'fcm_INVALID_ARGUMENT:400',
    });
    expect(sut(403, fcmError(403, 'PERMISSION_DENIED', 'SENDER_ID_MISMATCH')).kind).toBe('rejected');
  });

  it('does not call a 200 without a message name sent', () => {
    expect(sut(200, {}).kind).toBe('unknown');
  });
});

describe(fcmErrorCode.name, () => {
  it('prefers the FCM error code over the canonical status', () => {
    expect(
      fcmErrorCode({
        error: {
          status: 'NOT_FOUND',
          details: [{ '@type': 'type.googleapis.com/google.firebase.fcm.v1.FcmError', errorCode: 'UNREGISTERED' }],
        },
      }),
    ).toBe('UNREGISTERED');
    expect(fcmErrorCode({ error: { status: 'INTERNAL' } })).toBe('INTERNAL');
    expect(fcmErrorCode('not json')).toBeUndefined();
  });
});

describe(classifyHandoffFailure.name, () => {
  const sut = classifyHandoffFailure;

  it('retries a hand-off that never wrote a byte', () => {
    expect(sut({ written: false, timedOut: false, code: 'ECONNREFUSED' })).toEqual({
      kind: 'retry',
      reason: 'push_unreachable:econnrefused',
    });
  });

  it('never resends one that was written: a timeout or a reset after writing is unknown', () => {
    expect(sut({ written: true, timedOut: true, code: 'ETIMEDOUT' })).toEqual({
      kind: 'unknown',
      reason: 'push_no_answer:timeout',
    });
    expect(sut({ written: true, timedOut: false, code: 'ECONNRESET' }).kind).toBe('unknown');
  });
});
