import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { freePort, REPO_ROOT } from './infrastructure';
import { pollUntil } from './test-context';

export interface RunningService {
  name: string;
  port: number;
  child: ChildProcess;
  logFile: string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Every service process a test started and has not seen exit: killed when the test process exits,
 * whatever the test did, so a failed test never leaves a service running on the machine (nor keeps
 * jest from ending).
 */
const children = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

/**
 * Runs a built service (dist/apps/<name>/src/main.js) as its own process, logs to a file under
 * .local/test-logs, and resolves once its /health answers 200.
 */
export async function startServiceProcess(
  name: string,
  port: number,
  env: Record<string, string>,
  opts: { readyTimeoutMs?: number } = {},
): Promise<RunningService> {
  const logDir = resolve(REPO_ROOT, '.local/test-logs');
  mkdirSync(logDir, { recursive: true });
  const logFile = resolve(logDir, `${name}-${port}-${Date.now()}.log`);
  const out = createWriteStream(logFile);
  const child = spawn(process.execPath, [resolve(REPO_ROOT, `dist/apps/${name}/src/main.js`)], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env, [`${name.toUpperCase()}_PORT`]: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.pipe(out);
  child.stderr.pipe(out);
  let exited: number | null | undefined;
  child.on('exit', (code) => {
    exited = code;
    children.delete(child);
  });
  children.add(child);
  // Neither the process nor its output pipes keep the test process alive: the exit hook above ends it.
  child.unref();
  for (const pipe of [child.stdout, child.stderr]) (pipe as unknown as { unref?: () => void }).unref?.();
  await pollUntil(
    async () => {
      if (exited !== undefined) throw new Error(`${name} exited with ${exited}; see ${logFile}`);
      const res = await fetch(`http://127.0.0.1:${port}/health`).catch(() => undefined);
      return res?.status === 200;
    },
    {
      timeoutMs: opts.readyTimeoutMs ?? 60_000,
      intervalMs: 250,
      description: `${name} to be healthy (log: ${logFile})`,
    },
  ).catch((error: unknown) => {
    child.kill('SIGKILL');
    throw error;
  });
  return {
    name,
    port,
    child,
    logFile,
    stop: (signal = 'SIGTERM') =>
      new Promise((resolveStop) => {
        if (exited !== undefined) {
          resolveStop(exited);
          return;
        }
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        child.once('exit', (code) => {
          clearTimeout(timer);
          resolveStop(code);
        });
        child.kill(signal);
      }),
  };
}

/** A free loopback port for each service name. */
export async function reservePorts<N extends string>(names: readonly N[]): Promise<Record<N, number>> {
  const ports = await Promise.all(names.map(() => freePort()));
  return Object.fromEntries(names.map((n, i) => [n, ports[i] ?? 0])) as Record<N, number>;
}

/** Starts the built services together (each provisions, migrates and joins its group) and waits for all. */
export async function startServices<N extends string>(
  ports: Record<N, number>,
  env: Record<string, string>,
): Promise<{ running: RunningService[]; stopAll(): Promise<void> }> {
  const entries = Object.entries(ports) as Array<[N, number]>;
  const running = await Promise.all(entries.map(([name, port]) => startServiceProcess(name, port, env)));
  return {
    running,
    stopAll: async () => {
      await Promise.all(running.map((s) => s.stop()));
    },
  };
}
