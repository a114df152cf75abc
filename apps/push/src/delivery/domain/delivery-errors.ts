import { AppError } from '@reclaim/core';

/** The push service or FCM did not take the card and may later (unreachable, 429, 5xx): the touch is retried. */
export class PushProviderUnavailableError extends AppError {
  readonly code = 'PUSH_PROVIDER_UNAVAILABLE';
  override readonly retriable = true;
}

/**
 * Too much time passed between the suppression check and the hand-off: an order could have been
 * acknowledged in between. Nothing was sent; the touch is retried and checked again.
 */
export class SuppressionCheckStaleError extends AppError {
  readonly code = 'SUPPRESSION_CHECK_STALE';
  override readonly retriable = true;
}
