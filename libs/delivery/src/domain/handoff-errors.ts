import { AppError } from '@reclaim/core';

/**
 * Too much time passed between a channel's suppression check and its hand-off to the provider: an
 * order could have been acknowledged in between (ADR 0005). Nothing was sent; the touch is retried
 * and checked again.
 */
export class SuppressionCheckStaleError extends AppError {
  readonly code = 'SUPPRESSION_CHECK_STALE';
  override readonly retriable = true;
}

/**
 * The provider as a whole did not take the message and may later (unreachable, refused the
 * connection, 429 or 5xx for everyone): nothing reached the recipient, the touch is retried and its
 * partition waits (an outage is never settled as a failure).
 */
export class ProviderUnavailableError extends AppError {
  readonly code = 'PROVIDER_UNAVAILABLE';
  override readonly retriable = true;
}

/**
 * Thrown by a channel adapter's `handOver` when the deadline it was given passed before anything
 * was written: the pipeline releases the touch and checks again (an SMS provider session checks
 * the deadline at the very moment of the write).
 */
export class HandoffTooLateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = HandoffTooLateError.name;
  }
}
