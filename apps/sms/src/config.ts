import { z } from 'zod';
import { envInt } from '@reclaim/core';
import { baseConfigShape, envPort } from '@reclaim/platform';

export const SmsConfig = z.object({
  ...baseConfigShape,
  SMS_PORT: envPort(3004),
  SUPPRESSION_BARRIER_TIMEOUT_MS: envInt(10_000, { min: 100 }),
});
export type SmsConfig = z.output<typeof SmsConfig>;
