import { AppError } from '@reclaim/core';

/**
 * A request refused before anything of it was accepted, answered as `status` with `Retry-After`
 * (whole seconds, rounded up) and the contract's error shape `{ error, message }`.
 */
export class RefusedError extends AppError {
  readonly code = 'REFUSED';
  override readonly retriable = true;

  constructor(
    readonly status: 429 | 503,
    readonly error: 'rate_limited' | 'overloaded' | 'deadline_exceeded' | 'client_gone',
    message: string,
    retryAfterMs: number,
    options: { cause?: unknown } = {},
  ) {
    super(message, { ...options, retryAfterMs });
  }

  retryAfterSeconds(): number {
    return Math.max(1, Math.ceil((this.retryAfterMs ?? 1_000) / 1_000));
  }
}

/** Abort reasons of a request's signal (see AdmissionMiddleware). */
export class DeadlinePassed extends Error {
  constructor(ms: number) {
    super(`not done within ${ms} ms of arrival`);
  }
}

export class ClientGone extends Error {
  constructor() {
    super('the client closed the connection');
  }
}
