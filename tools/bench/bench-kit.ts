import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { Client } from 'pg';

/** Helpers shared by the benchmarks: one database per run, a service process from dist (ports: @reclaim/testing). */
export const ROOT = resolve(__dirname, '../../..');

export async function runPool(jobs: number, concurrency: number, job: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < jobs) await job(next++);
    }),
  );
}

export const seconds = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9;

/** A database of its own for one benchmark run (the service migrates it), dropped at the end. */
export function benchDatabase(name: string): { url: string; drop(): Promise<void> } {
  const base = new URL(process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/reclaim');
  const adminUrl = new URL(base);
  adminUrl.pathname = '/postgres';
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const admin = new Client({ connectionString: adminUrl.toString() });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.end();
    },
  };
}

/** A service started from dist/ with its log in .local/bench-<name>.log, ready once /health answers. */
export async function startService(
  name: string,
  port: number,
  env: Record<string, string>,
): Promise<{ stop(): Promise<void> }> {
  mkdirSync(resolve(ROOT, '.local'), { recursive: true });
  const log = createWriteStream(resolve(ROOT, `.local/bench-${name}.log`));
  const child: ChildProcess = spawn(process.execPath, [resolve(ROOT, `dist/apps/${name}/src/main.js`)], {
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const stop = async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await new Promise((r) => (child.exitCode !== null ? r(undefined) : child.once('exit', r)));
  };
  const deadline = Date.now() + 60_000;
  while (
    !(await fetch(`http://127.0.0.1:${port}/health`)
      .then((r) => r.ok)
      .catch(() => false))
  ) {
    if (Date.now() > deadline || child.exitCode !== null) {
      await stop();
      throw new Error(`${name} did not start; see .local/bench-${name}.log`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { stop };
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}
