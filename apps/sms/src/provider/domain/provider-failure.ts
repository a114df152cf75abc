/**
 * What went wrong handing an SMS to the provider, as far as the sender can know. `stage` says
 * how far the request got: `connect` (no connection), `before_write` (connected, nothing of the
 * request written), `after_write` (the request was written and no answer came: the provider may
 * have taken it), `answered` (an HTTP answer with a status).
 */
export interface ProviderFailureFacts {
  stage: 'connect' | 'before_write' | 'after_write' | 'answered';
  httpStatus?: number | undefined;
  /** The provider's error code from the body (Twilio: `{ code, message, more_info, status }`). */
  providerCode?: number | undefined;
  /** Node's network error code (ECONNRESET, ETIMEDOUT, …) or `TIMEOUT` for our own timer. */
  networkCode?: string | undefined;
  /** The answer's `Retry-After`, in ms from when it came: a transient failure is not retried sooner. */
  retryAfterMs?: number | undefined;
}

export type ProviderFailureKind =
  /** The provider certainly did not take the message and may later: retry. */
  | 'transient'
  /** The provider refused the message for good: record `failed`. */
  | 'permanent'
  /** The request was written and the answer lost: the message may be out. Record `unknown`, never resend. */
  | 'ambiguous';

/** Twilio 21610: the recipient replied STOP to this sender; the provider refuses until they send START. */
export const TWILIO_UNSUBSCRIBED_RECIPIENT = 21610;

/**
 * HTTP statuses that mean "not processed, try later": 429 (Twilio 20429: "never processed and
 * always safe to retry"), 408, and every 5xx; 401 is our credentials (an operator fixes them and
 * the touch goes out then). Every other 4xx is the provider refusing this message (invalid or
 * unreachable number, 21610 unsubscribed recipient, body rejected): permanent.
 */
export function classifyProviderFailure(f: ProviderFailureFacts): ProviderFailureKind {
  if (f.stage === 'connect' || f.stage === 'before_write') return 'transient';
  if (f.stage === 'after_write') return 'ambiguous';
  const status = f.httpStatus ?? 0;
  if (status === 429 || status === 408 || status === 401 || status >= 500) return 'transient';
  if (status >= 400) return 'permanent';
  // A 1xx/3xx (or a 2xx without a message) answered something we cannot read as a send.
  return 'ambiguous';
}

/** The ledger reason for a failure: `twilio_<code>`, `http_<status>` or `network_<code>`. */
export function failureReason(f: ProviderFailureFacts): string {
  if (f.providerCode !== undefined) return `twilio_${f.providerCode}`;
  if (f.httpStatus !== undefined) return `http_${f.httpStatus}`;
  return `network_${f.networkCode ?? 'error'}`;
}

/** True when the refusal says the recipient opted out with the provider (STOP sent to this sender). */
export function recipientOptedOut(f: ProviderFailureFacts): boolean {
  return f.stage === 'answered' && f.providerCode === TWILIO_UNSUBSCRIBED_RECIPIENT;
}
