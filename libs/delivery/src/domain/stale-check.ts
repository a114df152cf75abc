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
