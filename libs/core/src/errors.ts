/**
 * Errors that know whether a retry can help. Edges translate them once:
 * HTTP maps `code` to a status, the Kafka layer redelivers retriable errors
 * and dead-letters the rest with the reason.
 */
export abstract class AppError extends Error {
  abstract readonly code: string;
  readonly retriable: boolean = false;
  /**
   * How long the dependency asked us to wait before trying again (an HTTP `Retry-After`), when it
   * said; a retrying consumer waits at least this long (within its own upper bound).
   */
  readonly retryAfterMs: number | undefined;

  constructor(message: string, options?: { cause?: unknown; retryAfterMs?: number | undefined }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.retryAfterMs = options?.retryAfterMs;
  }
}

/** Input that will never become valid by retrying it (schema violations, unknown types). */
export class InvalidInputError extends AppError {
  readonly code = 'INVALID_INPUT';
  constructor(
    message: string,
    readonly details: ReadonlyArray<{ path: string; message: string }> = [],
  ) {
    super(message);
  }
}

/** A dependency (database, broker, provider) is unavailable; trying again later may succeed. */
export class DependencyUnavailableError extends AppError {
  readonly code = 'DEPENDENCY_UNAVAILABLE';
  override readonly retriable = true;
}

export class ConfigError extends AppError {
  readonly code = 'CONFIG_INVALID';
  constructor(readonly problems: ReadonlyArray<string>) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

/** True when an error says a retry could succeed. Unknown errors are treated as retriable. */
export function isRetriable(error: unknown): boolean {
  if (error instanceof AppError) return error.retriable;
  return true;
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
