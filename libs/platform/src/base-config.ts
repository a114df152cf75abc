import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { envInt, envNumber, parseDuration } from '@reclaim/core';
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

/** The resume-link signing secret's development default; the channels warn when production runs with it. */
export const DEV_RESUME_LINK_SECRET = 'dev-only-change-me';
