import { timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

export interface ApiKey {
  storeId: string;
  key: string;
}

/** Parses `storeId:key,storeId2:key2`. Store ids and keys are non-empty; keys are unique. */
export function parseApiKeys(text: string): ApiKey[] {
  const keys = text
    .split(',')
    .map((pair) => pair.trim())
    .filter(Boolean)
    .map((pair) => {
      const at = pair.indexOf(':');
      const storeId = pair.slice(0, at);
      const key = pair.slice(at + 1);
      if (at <= 0 || !key) throw new Error(`"${pair.replace(/:.*/, ':…')}" is not storeId:key`);
      if (key.length < 8) throw new Error(`the key for store "${storeId}" is shorter than 8 characters`);
      return { storeId, key };
    });
  if (keys.length === 0) throw new Error('no storeId:key pair given');
  if (new Set(keys.map((k) => k.key)).size !== keys.length) throw new Error('two stores share one key');
  return keys;
}

/** Resolves `Authorization: Bearer <key>` to the store owning the key, in constant time per key. */
export function storeForAuthorization(header: string | undefined, keys: ReadonlyArray<ApiKey>): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  if (!match?.[1]) return undefined;
  const given = Buffer.from(match[1]);
  let found: string | undefined;
  for (const { storeId, key } of keys) {
    const expected = Buffer.from(key);
    if (expected.length === given.length && timingSafeEqual(expected, given)) found = storeId;
  }
  return found;
}

/**
 * A `storeId:key,…` variable (INGESTION_API_KEYS, REPORTS_API_KEYS). Required unless `optional`,
 * in which case empty means no keys.
 */
export function envApiKeys(options: { optional?: boolean } = {}) {
  const message = 'is required: storeId:key pairs separated by commas';
  const base = options.optional ? z.string().default('') : z.string({ message }).min(1, message);
  return base.transform((text, ctx): ApiKey[] => {
    if (options.optional && text.trim() === '') return [];
    try {
      return parseApiKeys(text);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message });
      return z.NEVER;
    }
  });
}
