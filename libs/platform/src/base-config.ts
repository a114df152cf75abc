import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { envInt, envNumber, parseDuration, parseSigningKeys, type SigningKeys } from '@reclaim/core';
import { SaslMechanisms, type KafkaSecurity } from '@reclaim/kafka';

export const ServiceNames = ['ingestion', 'segmentation', 'scheduler', 'email', 'sms', 'push', 'attribution'] as const;
export type ServiceName = (typeof ServiceNames)[number];

/** Default HTTP ports: ingestion is the public edge (3000); the rest serve health and metrics. */
export const DefaultPorts: Record<ServiceName, number> = {
  ingestion: 3000,
  segmentation: 3001,
  scheduler: 3002,
  email: 3003,
  sms: 3004,
  push: 3005,
  attribution: 3006,
};

const brokers = z
  .string()
  .default('127.0.0.1:9092')
  .transform((s) =>
    s
      .split(',')
      .map((b) => b.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.string().regex(/^[^:\s]+:\d+$/, 'each broker must be host:port')).min(1));

/** Settings every service shares. Each service extends this with its own. */
export const baseConfigShape = {
  /**
   * `production` refuses to start (exit 78) with a development, default or short (< 32 bytes)
   * RESUME_LINK_SECRET or the development API key, or with a link base or store page that is not
   * https (PUBLIC_BASE_URL, EMAIL_PUBLIC_URL — http to a loopback host aside —, STORE_CART_URL_TEMPLATE,
   * RESUME_STORES' URLs), and makes ingestion accept https URLs only.
   */
  NODE_ENV: z.string().default('development'),
  /** Kafka bootstrap servers, `host:port` separated by commas. */
  KAFKA_BROKERS: brokers,
  /** Prepended to every topic, consumer group and transactional id (tests isolate themselves with it). */
  KAFKA_TOPIC_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9._-]*$/, 'letters, digits, ".", "_" and "-" only')
    .default(''),
  /** `true` connects to the brokers over TLS (system roots, plus KAFKA_SSL_CA_FILE when set). */
  KAFKA_SSL: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  /** PEM file of the certificate authority that signed the brokers' certificates (implies TLS). */
  KAFKA_SSL_CA_FILE: z.string().default(''),
  /** PEM client certificate for mutual TLS (with KAFKA_SSL_KEY_FILE). */
  KAFKA_SSL_CERT_FILE: z.string().default(''),
  /** PEM private key of KAFKA_SSL_CERT_FILE. Secret file: never logged. */
  KAFKA_SSL_KEY_FILE: z.string().default(''),
  /** SASL mechanism: `plain`, `scram-sha-256` or `scram-sha-512`; empty = no SASL. Use TLS with it. */
  KAFKA_SASL_MECHANISM: z.enum(['', ...SaslMechanisms]).default(''),
  /** SASL user name. */
  KAFKA_SASL_USERNAME: z.string().default(''),
  /** SASL password. Secret: never logged. */
  KAFKA_SASL_PASSWORD: z.string().default(''),
  /** PostgreSQL; the database is created if missing, and each service keeps its tables in its own schema. */
  DATABASE_URL: z
    .string()
    .default('postgres://postgres@127.0.0.1:5432/reclaim')
    .refine((s) => /^postgres(ql)?:\/\//.test(s), 'must be a postgres:// URL'),
  /** Milliseconds a query may wait for a pooled PostgreSQL connection before it fails. */
  DATABASE_CONNECT_TIMEOUT_MS: envInt(5_000, { min: 100 }),
  /** PostgreSQL cancels any statement (migrations included) running longer than this many milliseconds; 0 never. */
  DATABASE_STATEMENT_TIMEOUT_MS: envInt(30_000, { min: 0 }),
  /** pino log level (JSON logs, personal data redacted). */
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Multiplies every business duration (0.001 turns an hour into 3.6 s) for demos and end-to-end tests. */
  RECOVERY_TIME_SCALE: envNumber(1, { min: 0.000001 }).refine((n) => n > 0, 'must be greater than 0'),
} as const;

export const BaseConfig = z.object(baseConfigShape);
export type BaseConfig = z.output<typeof BaseConfig>;

/** The Kafka client's TLS and SASL settings from the configuration (files read once, at start-up). */
export function kafkaSecurity(config: BaseConfig): KafkaSecurity {
  const pem = (file: string) => (file ? readFileSync(file, 'utf8') : undefined);
  const tlsFiles = {
    ca: pem(config.KAFKA_SSL_CA_FILE),
    cert: pem(config.KAFKA_SSL_CERT_FILE),
    key: pem(config.KAFKA_SSL_KEY_FILE),
  };
  const anyFile = Object.values(tlsFiles).some((v) => v !== undefined);
  const files = Object.fromEntries(Object.entries(tlsFiles).filter(([, v]) => v !== undefined));
  return {
    ...(config.KAFKA_SSL || anyFile ? { ssl: anyFile ? files : true } : {}),
    ...(config.KAFKA_SASL_MECHANISM
      ? {
          sasl: {
            mechanism: config.KAFKA_SASL_MECHANISM,
            username: config.KAFKA_SASL_USERNAME,
            password: config.KAFKA_SASL_PASSWORD,
          },
        }
      : {}),
  };
}

export const envPort = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);

/**
 * A duration written like `7d`, `48h` or `30m`, parsed to milliseconds. It must be positive unless
 * `allowZero` (where `0s` switches something off).
 */
export const envDuration = (fallback: string, options: { allowZero?: boolean } = {}) =>
  z
    .string()
    .default(fallback)
    .refine((s) => {
      try {
        const ms = parseDuration(s);
        return options.allowZero ? ms >= 0 : ms > 0;
      } catch {
        return false;
      }
    }, 'must be a duration such as 7d, 48h, 30m')
    .transform((s) => parseDuration(s));

/** An absolute URL that paths are appended to: trailing slashes are dropped. */
export const envBaseUrl = (fallback: string) =>
  z
    .url()
    .default(fallback)
    .transform((s) => s.replace(/\/+$/, ''));

/** The resume-link signing secret's development default: refused in production. */
export const DEV_RESUME_LINK_SECRET = 'dev-only-change-me';
/** DASHBOARD_SECRET's development default (signs dashboard sessions and links). */
export const DEV_DASHBOARD_SECRET = 'dev-only-dashboard-secret';
/** Secrets shipped for development and demos (this repository's scripts and compose file): refused in production. */
const KNOWN_DEVELOPMENT_SECRETS: ReadonlySet<string> = new Set([
  DEV_RESUME_LINK_SECRET,
  'local-dev-resume-secret',
  'compose-only-change-me',
  DEV_DASHBOARD_SECRET,
  'local-dev-dashboard-secret',
]);
/** The demo store's API key (scripts, compose): refused in production. */
export const DEV_API_KEY = 'demo-store-key-0001';
/** The demo's read-only reports key (REPORTS_API_KEYS). */
export const DEV_REPORTS_KEY = 'demo-store-reports-0001';
/** The shortest signing secret production accepts (HMAC-SHA256 wants a key of its full strength). */
export const MIN_PRODUCTION_SECRET_BYTES = 32;

/**
 * `RESUME_LINK_SECRET`: one secret, or a key ring `id:secret,id2:secret2` (newest first: it signs
 * every new link; all verify, so a rotation breaks no link already sent). Tokens carry the id of
 * the key that signed them.
 */
export const envSigningKeys = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((text, ctx): SigningKeys => {
      try {
        const ring = parseSigningKeys(text);
        for (const key of ring.keys) {
          if (key.secret.length < 8)
            ctx.addIssue({ code: 'custom', message: `key ${key.id} is shorter than 8 characters` });
        }
        return ring;
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
        return z.NEVER;
      }
    });

/** Reclaim's own public link bases: what messages link to (`/r/:token`, `/unsubscribe/:token`). */
const LINK_BASE_VARIABLES = ['PUBLIC_BASE_URL', 'EMAIL_PUBLIC_URL'] as const;
/** The store's pages a resume link or Reclaim's landing page sends the shopper to. */
const STORE_URL_VARIABLES = ['STORE_CART_URL_TEMPLATE'] as const;

const LOOPBACK_HOST = /^(localhost|[a-z0-9-]+\.localhost|127(\.\d{1,3}){3}|\[::1\])$/;

/**
 * Whether a link base may go into messages in production: https, or http to a loopback host
 * (`localhost`, 127.0.0.0/8, `[::1]`) — browsers count those as secure contexts and they never
 * cross a network; that is what a single-machine `docker compose up` uses.
 */
export function isSecureLinkBase(base: string): boolean {
  try {
    const url = new URL(base);
    return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOST.test(url.hostname));
  } catch {
    return false;
  }
}

/** Whether a store URL (template: `{cartId}`, `{storeId}`) is https, as ingestion requires of a destination in production. */
const isHttpsTemplate = (template: string): boolean => {
  try {
    return new URL(template.replaceAll('{cartId}', 'cart').replaceAll('{storeId}', 'store')).protocol === 'https:';
  } catch {
    return false;
  }
};

/**
 * What makes a parsed configuration unsafe to run with NODE_ENV=production, each problem naming its
 * variable (empty outside production): a signing key that is a development default or shorter than
 * MIN_PRODUCTION_SECRET_BYTES, the development API key, a link base that is not https
 * (PUBLIC_BASE_URL, EMAIL_PUBLIC_URL; loopback hosts aside) and a store page that is not https
 * (STORE_CART_URL_TEMPLATE, RESUME_STORES' `cartUrl` and `checkoutUrl`). The platform refuses to
 * start on any.
 */
export function productionProblems(config: Record<string, unknown>): string[] {
  if (config['NODE_ENV'] !== 'production') return [];
  const problems: string[] = [];
  for (const name of ['RESUME_LINK_SECRET', 'DASHBOARD_SECRET']) {
    const ring = config[name] as SigningKeys | undefined;
    for (const key of ring?.keys ?? []) {
      if (KNOWN_DEVELOPMENT_SECRETS.has(key.secret)) {
        problems.push(`${name}: key ${key.id} is a development default; set a secret of your own`);
      } else if (Buffer.byteLength(key.secret, 'utf8') < MIN_PRODUCTION_SECRET_BYTES) {
        problems.push(`${name}: key ${key.id} is shorter than ${MIN_PRODUCTION_SECRET_BYTES} bytes`);
      }
    }
  }
  for (const name of ['INGESTION_API_KEYS', 'REPORTS_API_KEYS']) {
    const apiKeys = config[name] as Array<{ storeId: string; key: string }> | undefined;
    for (const { storeId, key } of apiKeys ?? []) {
      if (key === DEV_API_KEY || key === DEV_REPORTS_KEY)
        problems.push(`${name}: store ${storeId} uses a development API key`);
    }
  }
  for (const name of LINK_BASE_VARIABLES) {
    const base = config[name];
    if (typeof base === 'string' && !isSecureLinkBase(base))
      problems.push(`${name}: must be an https URL in production (messages link to it)`);
  }
  for (const name of STORE_URL_VARIABLES) {
    const template = config[name];
    if (typeof template === 'string' && !isHttpsTemplate(template))
      problems.push(`${name}: must be an https URL in production (shoppers are sent to it)`);
  }
  const stores = (config['RESUME_STORES'] ?? {}) as Record<string, { cartUrl?: string; checkoutUrl?: string }>;
  for (const [storeId, settings] of Object.entries(stores)) {
    for (const field of ['cartUrl', 'checkoutUrl'] as const) {
      const template = settings[field];
      if (template !== undefined && !isHttpsTemplate(template))
        problems.push(`RESUME_STORES: store ${storeId}'s ${field} must be an https URL in production`);
    }
  }
  return problems;
}
