import type { ProviderFailureFacts } from '../../provider/domain/provider-failure';

/**
 * A transient refusal of this one message rather than an outage of the provider (ADR 0006): an
 * answered 429 or 408 (too many messages or too slow for now; Retry-After honoured). It is retried
 * later from the send ledger, so the partition's other shoppers go on. A 401 (our credentials),
 * a 5xx and anything before the request was written concern every message: retried in place.
 */
export function isRecipientDeferral(f: ProviderFailureFacts): boolean {
  return f.stage === 'answered' && (f.httpStatus === 429 || f.httpStatus === 408);
}
