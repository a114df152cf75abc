import { z } from 'zod';
import { envNumber } from '@reclaim/core';

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
  .transform((s) => s.split(',').map((b) => b.trim()).filter(Boolean))
  .pipe(z.array(z.string().regex(/^[^:\s]+:\d+$/, 'each broker must be host:port')).min(1));

/** Settings every service shares. Each service extends this with its own. */
export const baseConfigShape = {
  KAFKA_BROKERS: brokers,
  KAFKA_TOPIC_PREFIX: z.string().regex(/^[A-Za-z0-9._-]*$/, 'letters, digits, ".", "_" and "-" only').default(''),
  DATABASE_URL: z
    .string()
    .default('postgres://postgres@127.0.0.1:5432/reclaim')
    .refine((s) => /^postgres(ql)?:\/\//.test(s), 'must be a postgres:// URL'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  RECOVERY_TIME_SCALE: envNumber(1, { min: 0.000001 }).refine((n) => n > 0, 'must be greater than 0'),
} as const;

export const BaseConfig = z.object(baseConfigShape);
export type BaseConfig = z.output<typeof BaseConfig>;

export const envPort = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);
