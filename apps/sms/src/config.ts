import { z } from 'zod';
import { envInt } from '@reclaim/core';
import { baseConfigShape, envPort } from '@reclaim/platform';

export const SmsConfig = z.object({
  ...baseConfigShape,
  SMS_PORT: envPort(3004),
  /** How long a send waits for the suppression view to catch up before the touch is retried. */
  SUPPRESSION_BARRIER_TIMEOUT_MS: envInt(10_000, { min: 100 }),
});
export type SmsConfig = z.output<typeof SmsConfig>;
