/** What a push service's (or FCM's) answer means for the touch and for the stored address. */
export type PushOutcome =
  /** Taken: record `sent` with the provider's id. */
  | { kind: 'sent'; providerMessageId: string }
  /** The subscription or token no longer exists: delete it everywhere, record `failed`. */
  | { kind: 'gone'; reason: string }
  /** Refused for good (bad request, payload too large, VAPID or sender mismatch): record `failed`. */
  | { kind: 'rejected'; reason: string }
  /**
   * Certainly not taken, and may be later (429, 5xx, connection lost before writing): retry, not
   * before `retryAfterMs` when the service said (`Retry-After`).
   */
  | { kind: 'retry'; reason: string; renewAccessToken?: boolean; retryAfterMs?: number }
  /** The request was written but no answer came: the card may be on the device. Never resent. */
  | { kind: 'unknown'; reason: string };

/**
 * A web push service's answer (RFC 8030 §5, RFC 8292): 201 Created (some answer 200/202) means
 * taken, with the message resource in `Location`; 404 and 410 mean the subscription expired or was
 * removed; 429 and 5xx are retriable; any other status is a refusal that retrying will not change.
 */
export function classifyWebPushResponse(status: number, location: string | undefined, fallbackId: string): PushOutcome {
  if (status === 200 || status === 201 || status === 202)
    return { kind: 'sent', providerMessageId: location && location.length <= 512 ? location : fallbackId };
  if (status === 404 || status === 410) return { kind: 'gone', reason: `subscription_gone:${status}` };
  if (status === 429 || status >= 500) return { kind: 'retry', reason: `push_service_${status}` };
  if (status === 413) return { kind: 'rejected', reason: 'push_payload_too_large:413' };
  if (status === 401 || status === 403) return { kind: 'rejected', reason: `push_vapid_rejected:${status}` };
  return { kind: 'rejected', reason: `push_rejected:${status}` };
}

interface FcmErrorBody {
  error?: { status?: unknown; details?: unknown };
}

/** The FCM error code (`UNREGISTERED`, `QUOTA_EXCEEDED`, …) of an HTTP v1 error body, else its canonical status. */
export function fcmErrorCode(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const error = (body as FcmErrorBody).error;
  if (typeof error !== 'object') return undefined;
  if (Array.isArray(error.details)) {
    for (const d of error.details as unknown[]) {
      if (typeof d !== 'object' || d === null) continue;
      const { ['@type']: type, errorCode } = d as Record<string, unknown>;
      if (typeof type === 'string' && type.endsWith('google.firebase.fcm.v1.FcmError') && typeof errorCode === 'string')
        return errorCode;
    }
  }
  return typeof error.status === 'string' ? error.status : undefined;
}

/**
 * FCM HTTP v1 `messages:send` answers: 200 with `name` is taken; `UNREGISTERED` (or 404) means
 * the token is dead — delete it; 401 means our access token expired — renew it and retry;
 * 429 and 5xx (`QUOTA_EXCEEDED`, `UNAVAILABLE`, `INTERNAL`) are retriable; the rest
 * (`INVALID_ARGUMENT`, `SENDER_ID_MISMATCH`, `THIRD_PARTY_AUTH_ERROR`) are refusals.
 */
export function classifyFcmResponse(status: number, body: unknown): PushOutcome {
  if (status === 200) {
    const name = typeof body === 'object' && body !== null ? (body as { name?: unknown }).name : undefined;
    if (typeof name === 'string' && name !== '') return { kind: 'sent', providerMessageId: name };
    return { kind: 'unknown', reason: 'fcm_200_without_name' };
  }
  const code = fcmErrorCode(body);
  if (code === 'UNREGISTERED' || status === 404) return { kind: 'gone', reason: `fcm_token_unregistered:${status}` };
  if (status === 401) return { kind: 'retry', reason: 'fcm_401', renewAccessToken: true };
  if (status === 429 || status >= 500) return { kind: 'retry', reason: `fcm_${code ?? status}` };
  return { kind: 'rejected', reason: `fcm_${code ?? 'rejected'}:${status}` };
}

/** A hand-off that ended without an answer: only one that never wrote a byte may be retried. */
export function classifyHandoffFailure(f: {
  written: boolean;
  timedOut: boolean;
  code?: string | undefined;
}): Extract<PushOutcome, { kind: 'unknown' | 'retry' }> {
  const what = f.timedOut ? 'timeout' : (f.code ?? 'network_error').toLowerCase();
  return f.written
    ? { kind: 'unknown', reason: `push_no_answer:${what}` }
    : { kind: 'retry', reason: `push_unreachable:${what}` };
}
