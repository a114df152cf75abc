import { z } from 'zod';
import { ConfigError } from './errors';

/**
 * Parses the environment once against a schema. Every bad variable is named in
 * one error, so an operator fixes them all in one go.
 */
export function loadConfig<S extends z.ZodType>(
  schema: S,
  env: Record<string, string | undefined> = process.env,
): z.output<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const name = issue.path.map(String).join('.') || '(environment)';
    return `${name}: ${issue.message}`;
  });
  throw new ConfigError(problems);
}

/** Env helpers: environment values are strings, these coerce and validate them. */
export const envInt = (fallback: number, opts: { min?: number; max?: number } = {}) =>
  z.coerce
    .number()
    .int()
    .min(opts.min ?? Number.MIN_SAFE_INTEGER)
    .max(opts.max ?? Number.MAX_SAFE_INTEGER)
    .default(fallback);

export const envNumber = (fallback: number, opts: { min?: number; max?: number } = {}) =>
  z.coerce
    .number()
    .min(opts.min ?? -Infinity)
    .max(opts.max ?? Infinity)
    .default(fallback);

export const envBool = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'])
    .default(fallback ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1' || v === 'yes');

export const envUrl = (fallback: string) => z.url().default(fallback);

/** Secrets are kept out of logs: use `redactSecrets` before printing configuration. */
export function redactSecrets<T extends Record<string, unknown>>(
  config: T,
  secretKeys: ReadonlyArray<keyof T>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...config };
  for (const key of secretKeys) if (out[key as string] !== undefined) out[key as string] = '[redacted]';
  return out;
}
