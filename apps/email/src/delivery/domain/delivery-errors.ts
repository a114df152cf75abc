import { AppError } from '@reclaim/core';

/** The SMTP server did not take the message and may later (connection refused, 4xx): the touch is retried. */
export class SmtpUnavailableError extends AppError {
  readonly code = 'SMTP_UNAVAILABLE';
  override readonly retriable = true;
}

/**
 * Too much time passed between the suppression check and the hand-off to SMTP: an order could
 * have been acknowledged in between. Nothing was sent; the touch is retried and checked again.
 */
export class SuppressionCheckStaleError extends AppError {
  readonly code = 'SUPPRESSION_CHECK_STALE';
  override readonly retriable = true;
}
