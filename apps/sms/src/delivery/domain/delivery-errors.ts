import { AppError } from '@reclaim/core';

/** The provider did not take the message and may later (unreachable, 429, 5xx): the touch is retried. */
export class SmsProviderUnavailableError extends AppError {
  readonly code = 'SMS_PROVIDER_UNAVAILABLE';
  override readonly retriable = true;
}
