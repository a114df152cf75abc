import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { DependencyUnavailableError, InvalidInputError } from '@reclaim/core';
import { createTestDatabase, type TestDatabase } from '@reclaim/testing';
import { classifyDatabaseError, fromStorableText, storableText } from '../src';

/** Real errors from the local PostgreSQL, through TypeORM as the repositories see them. */
describe('classifyDatabaseError against PostgreSQL', () => {
  let database: TestDatabase;
  let db: DataSource;

  beforeAll(async () => {
    database = await createTestDatabase('db-errors');
    db = new DataSource({ type: 'postgres', url: database.url, extra: { max: 2 } });
    await db.initialize();
    await db.query('CREATE TABLE t (v text PRIMARY KEY, n varchar(3), j jsonb, at timestamptz)');
  });

  afterAll(async () => {
    await db.destroy();
    await database.drop();
  });

  const refusal = async (sql: string, params: unknown[]) => {
    const error: unknown = await db.query(sql, params).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeDefined();
    return { error, verdict: classifyDatabaseError(error) };
  };

  it.each([
    ['NUL in text', 'SELECT $1::text', ['c\u0000x'], '22021'],
    ['NUL in jsonb', 'SELECT $1::jsonb', [JSON.stringify({ cartId: 'c\u0000x' })], '22P05'],
    ['too long', 'INSERT INTO t (v, n) VALUES ($1, $2)', ['a', 'abcd'], '22001'],
    ['not a timestamp', 'SELECT $1::timestamptz', ['yesterday-ish'], '22007'],
    ['year 0', 'SELECT $1::timestamptz', ['0000-01-01T00:00:00Z'], '22008'],
    ['not null', 'INSERT INTO t (v) VALUES ($1)', [null], '23502'],
  ])('%s is refused for good (permanent)', async (_what, sql, params, code) => {
    const { error, verdict } = await refusal(sql, params);
    expect((error as { code?: string }).code).toBe(code);
    expect(verdict).toBeInstanceOf(InvalidInputError);
    expect(verdict?.message).toContain(code);
  });

  it('a statement timeout (57014) and a terminated backend (57P01) are retriable', async () => {
    const timeout: unknown = await db
      .transaction(async (tx) => {
        await tx.query("SET LOCAL statement_timeout = '10ms'");
        await tx.query('SELECT pg_sleep(1)');
      })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect((timeout as { code?: string }).code).toBe('57014');
    expect(classifyDatabaseError(timeout)).toBeInstanceOf(DependencyUnavailableError);

    const victim = new Client({ connectionString: database.url });
    await victim.connect();
    victim.on('error', () => undefined);
    const [{ pid }] = (await victim.query('SELECT pg_backend_pid() AS pid')).rows as [{ pid: number }];
    await db.query('SELECT pg_terminate_backend($1)', [pid]);
    const terminated: unknown = await victim.query('SELECT 1').then(
      () => undefined,
      (e: unknown) => e,
    );
    await victim.end().catch(() => undefined);
    expect(classifyDatabaseError(terminated)).toBeInstanceOf(DependencyUnavailableError);
  });

  it('a refused connection is retriable', async () => {
    const client = new Client({ connectionString: 'postgres://postgres@127.0.0.1:1/nothing' });
    const error: unknown = await client.connect().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(classifyDatabaseError(error)).toBeInstanceOf(DependencyUnavailableError);
  });

  it('storableText values are stored and found again, each apart from the others', async () => {
    const values = ['c\u0000x', 'x\uD800', 'x\uFFFD', 'x\uDC00', '\uFDD0x', 'plain'];
    for (const v of values) await db.query('INSERT INTO t (v) VALUES ($1)', [storableText(v)]);
    const rows: Array<{ v: string }> = await db.query('SELECT v FROM t WHERE v = ANY($1)', [values.map(storableText)]);
    expect(rows.map((r) => fromStorableText(r.v)).sort()).toEqual([...values].sort());
  });
});
