import { AppError } from '@reclaim/core';

/** The SMTP server did not take the message and may later (connection refused, 4xx): the touch is retried. */
export class SmtpUnavailableError extends AppError {
  readonly code = 'SMTP_UNAVAILABLE';
  override readonly retriable = true;
}
