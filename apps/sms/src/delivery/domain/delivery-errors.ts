import { AppError } from '@reclaim/core';

/** The provider did not take the message and may later (unreachable, 429, 5xx): the touch is retried. */
export class SmsProviderUnavailableError extends AppError {
  readonly code = 'SMS_PROVIDER_UNAVAILABLE';
  override readonly retriable = true;
}

/**
 * Too much time passed between the suppression check and writing the request: an order could have
 * been acknowledged in between. Nothing was sent; the touch is retried and checked again.
 */
export class SuppressionCheckStaleError extends AppError {
  readonly code = 'SUPPRESSION_CHECK_STALE';
  override readonly retriable = true;
}
