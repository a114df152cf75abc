import { AppError } from '@reclaim/core';

/** The push service or FCM did not take the card and may later (unreachable, 429, 5xx): the touch is retried. */
export class PushProviderUnavailableError extends AppError {
  readonly code = 'PUSH_PROVIDER_UNAVAILABLE';
  override readonly retriable = true;
}
