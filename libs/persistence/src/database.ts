import { Client } from 'pg';
import { DataSource, type EntityManager, type MigrationInterface } from 'typeorm';
import { storableText } from './domain/storable-text';

export interface DatabaseSettings {
  /** postgres://user@host:port/database */
  url: string;
  /** The schema this service owns; its tables and migrations live there. */
  schema: string;
  migrations: Array<new () => MigrationInterface>;
  poolSize?: number;
  /** How long a query waits for a pooled connection before it fails (pg `connectionTimeoutMillis`). */
  connectTimeoutMs?: number;
  /** The server cancels any statement running longer (PostgreSQL `statement_timeout`; 0 = never). */
  statementTimeoutMs?: number;
}

/** Defaults: a request never waits for ever on an exhausted pool or a lock held by a stuck transaction. */
export const DEFAULT_DB_CONNECT_TIMEOUT_MS = 5_000;
export const DEFAULT_DB_STATEMENT_TIMEOUT_MS = 30_000;

const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** Creates the database and the service's schema when they are missing (safe under races). */
export async function ensureDatabaseAndSchema(url: string, schema: string): Promise<void> {
  const target = new URL(url);
  const dbName = decodeURIComponent(target.pathname.replace(/^\//, '')) || 'postgres';
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const adminClient = new Client({ connectionString: admin.toString() });
  await adminClient.connect();
  try {
    const found = await adminClient.query('SELECT 1 FROM pg_database WHERE datname = $1', [dbName]);
    if (found.rowCount === 0) {
      try {
        await adminClient.query(`CREATE DATABASE ${quoteIdent(dbName)}`);
      } catch (error) {
        // 42P04 duplicate_database / 23505: another service created it first.
        const code = (error as { code?: string }).code;
        if (code !== '42P04' && code !== '23505') throw error;
      }
    }
  } finally {
    await adminClient.end();
  }
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
  } catch (error) {
    if ((error as { code?: string }).code !== '23505') throw error;
  } finally {
    await client.end();
  }
}

/**
 * Opens the service's data source: database and schema created if missing, search_path set to
 * the service's schema, explicit migrations run (never `synchronize`).
 */
export async function openDatabase(settings: DatabaseSettings): Promise<DataSource> {
  await ensureDatabaseAndSchema(settings.url, settings.schema);
  const dataSource = new DataSource({
    type: 'postgres',
    url: settings.url,
    schema: settings.schema,
    synchronize: false,
    migrationsRun: false,
    migrations: settings.migrations,
    migrationsTableName: 'migrations',
    extra: {
      max: settings.poolSize ?? 10,
      connectionTimeoutMillis: settings.connectTimeoutMs ?? DEFAULT_DB_CONNECT_TIMEOUT_MS,
      // Also bounds migrations: one that needs longer must raise it (SET LOCAL statement_timeout).
      options: `-c search_path=${settings.schema} -c statement_timeout=${settings.statementTimeoutMs ?? DEFAULT_DB_STATEMENT_TIMEOUT_MS}`,
      application_name: `reclaim-${settings.schema}`,
    },
  });
  await dataSource.initialize();
  await dataSource.runMigrations({ transaction: 'each' });
  return dataSource;
}

/** SQL for the processed-events inbox every consumer uses for idempotency. */
export const INBOX_TABLE_SQL = `
  CREATE TABLE processed_events (
    consumer text NOT NULL,
    event_id text NOT NULL,
    processed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, event_id)
  )`;

/**
 * Marks an event as processed by `consumer` inside the caller's transaction. Returns false when
 * it was processed before (a redelivery): the caller then skips its effects.
 */
export async function claimInbox(manager: EntityManager, consumer: string, eventId: string): Promise<boolean> {
  // Ids come from record headers: stored escaped when PostgreSQL would refuse (or merge) them.
  const rows: unknown[] = await manager.query(
    'INSERT INTO processed_events (consumer, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING event_id',
    [consumer, storableText(eventId)],
  );
  return rows.length === 1;
}
