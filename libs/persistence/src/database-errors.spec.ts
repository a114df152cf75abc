import { DatabaseError } from 'pg';
import { QueryFailedError } from 'typeorm';
import { DependencyUnavailableError, InvalidInputError } from '@reclaim/core';
import { classifyDatabaseError } from './database-errors';

/** An error as pg reports it for a failed statement (severity and SQLSTATE). */
function pgError(code: string, message = `failed with ${code}`): DatabaseError {
  const error = new DatabaseError(message, message.length, 'error');
  error.severity = 'ERROR';
  error.code = code;
  return error;
}

/** What a repository sees through TypeORM: QueryFailedError wrapping the driver's error. */
const viaTypeorm = (driverError: Error) => new QueryFailedError('SELECT $1::text', ['x'], driverError);

const nodeError = (code: string) => Object.assign(new Error(`connect ${code} 127.0.0.1:5432`), { code });

describe('classifyDatabaseError', () => {
  it.each(['22021', '22P05', '22001', '22P02', '22007', '22008', '22003', '23502', '23503', '23514'])(
    'a refused value (SQLSTATE %s) is permanent, and the message names the code',
    (code) => {
      for (const error of [pgError(code), viaTypeorm(pgError(code))]) {
        const verdict = classifyDatabaseError(error);
        expect(verdict).toBeInstanceOf(InvalidInputError);
        expect(verdict?.retriable).toBe(false);
        expect(verdict?.message).toContain(`SQLSTATE ${code}`);
      }
    },
  );

  it.each(['08006', '08001', '57P01', '57P02', '57P03', '53300', '53200', '40001', '40P01', '55P03', '57014'])(
    'an outage or contention (SQLSTATE %s) is retriable',
    (code) => {
      const verdict = classifyDatabaseError(viaTypeorm(pgError(code)));
      expect(verdict).toBeInstanceOf(DependencyUnavailableError);
      expect(verdict?.retriable).toBe(true);
    },
  );

  it.each(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND'])('%s is retriable', (code) => {
    expect(classifyDatabaseError(nodeError(code))).toBeInstanceOf(DependencyUnavailableError);
  });

  it('knows pg and pg-pool connection failures by their message', () => {
    for (const message of [
      'Connection terminated unexpectedly',
      'Connection terminated due to connection timeout',
      'timeout exceeded when trying to connect',
    ]) {
      expect(classifyDatabaseError(new Error(message))).toBeInstanceOf(DependencyUnavailableError);
      expect(classifyDatabaseError(viaTypeorm(new Error(message)))).toBeInstanceOf(DependencyUnavailableError);
    }
  });

  it('finds the database error inside a wrapper (cause)', () => {
    const wrapped = new DependencyUnavailableError('send ledger: failed', { cause: viaTypeorm(pgError('22021')) });
    expect(classifyDatabaseError(wrapped)).toBeInstanceOf(InvalidInputError);
  });

  it('leaves everything else to the caller: unique violations, syntax errors, bugs, non-database codes', () => {
    for (const error of [
      pgError('23505'),
      pgError('42601'),
      pgError('42P01'),
      new TypeError('x is undefined'),
      Object.assign(new Error('smtp'), { code: 'EENVELOPE' }),
      Object.assign(new Error('not pg'), { code: '22021' }), // no severity: not a PostgreSQL error
      'a string',
      undefined,
    ]) {
      expect(classifyDatabaseError(error)).toBeUndefined();
    }
  });
});
