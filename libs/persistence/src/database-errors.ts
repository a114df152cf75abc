import { DependencyUnavailableError, errorMessage, InvalidInputError, type AppError } from '@reclaim/core';

/** Node socket errors and pg / pg-pool messages that mean "the database is out of reach for now". */
const TRANSIENT_NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN']);
const TRANSIENT_MESSAGES = [
  /Connection terminated/i, // pg: the server or the network closed the connection
  /timeout exceeded when trying to connect/i, // pg-pool: no connection within connectionTimeoutMillis
  /Client has encountered a connection error and is not queryable/i,
];

/** SQLSTATEs (or classes, by their first two characters) after which a retry can succeed. */
const TRANSIENT_STATES = new Set(['57P01', '57P02', '57P03', '40001', '40P01', '55P03', '57014']);
const TRANSIENT_CLASSES = new Set(['08', '53']);
/** Classes that refuse the value itself: retrying the same record can never succeed. */
const PERMANENT_CLASSES = new Set(['22', '23']);
/** A unique violation is usually a concurrent writer (the retry sees its row): left to the caller's policy. */
const UNIQUE_VIOLATION = '23505';

interface ErrorShape {
  code?: unknown;
  severity?: unknown;
  message?: unknown;
  cause?: unknown;
  driverError?: unknown;
}

/** A PostgreSQL error as pg reports it (and TypeORM copies onto QueryFailedError): a five-character SQLSTATE and a severity. */
function sqlState(e: ErrorShape): string | undefined {
  return typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code) && typeof e.severity === 'string'
    ? e.code
    : undefined;
}

/** The error, then what it wraps (TypeORM's driverError, `cause`), a few levels deep. */
function* chain(error: unknown): Generator<ErrorShape> {
  let current: unknown = error;
  for (let depth = 0; depth < 8 && typeof current === 'object' && current !== null; depth++) {
    const e = current as ErrorShape;
    yield e;
    current = e.driverError ?? e.cause;
  }
}

function permanent(state: string, error: unknown): InvalidInputError {
  return new InvalidInputError(`the database refuses this record's values (SQLSTATE ${state}): ${errorMessage(error)}`);
}

function transient(what: string, error: unknown): DependencyUnavailableError {
  return new DependencyUnavailableError(`database unavailable (${what}): ${errorMessage(error)}`, { cause: error });
}

/**
 * The one classification of database errors (ADR 0003). Looks through the error and what it
 * wraps for a PostgreSQL SQLSTATE or a connection failure:
 * - the value will never be accepted — class 22 (data exception: 22021 invalid byte sequence,
 *   22P05 untranslatable character, 22001 too long, 22P02, 22007, 22008, …) and class 23
 *   integrity violations other than 23505 → InvalidInputError (dead-lettered with the code);
 * - an outage or contention that delays, never loses — connection errors (ECONNREFUSED,
 *   ECONNRESET, ETIMEDOUT, EPIPE, ENOTFOUND, "Connection terminated", pg-pool's connect timeout),
 *   class 08, 53 (resources, 53300 too many connections), 57P01/57P02/57P03 (shutdown, crash,
 *   starting), 40001 serialization failure, 40P01 deadlock, 55P03 lock not available, 57014
 *   statement timeout → DependencyUnavailableError (retried).
 * Anything else (23505 unique violation included: usually a concurrent writer): undefined, and
 * the caller's own policy applies.
 */
export function classifyDatabaseError(error: unknown): AppError | undefined {
  for (const e of chain(error)) {
    const state = sqlState(e);
    if (state !== undefined) {
      const cls = state.slice(0, 2);
      if (state === UNIQUE_VIOLATION) return undefined;
      if (PERMANENT_CLASSES.has(cls)) return permanent(state, error);
      if (TRANSIENT_STATES.has(state) || TRANSIENT_CLASSES.has(cls)) return transient(`SQLSTATE ${state}`, error);
      return undefined;
    }
    if (typeof e.code === 'string' && TRANSIENT_NODE_CODES.has(e.code)) return transient(e.code, error);
    const message = typeof e.message === 'string' ? e.message : '';
    if (TRANSIENT_MESSAGES.some((m) => m.test(message))) return transient('connection', error);
  }
  return undefined;
}
