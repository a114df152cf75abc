import { z } from 'zod';
import { envInt } from '@reclaim/core';
import { baseConfigShape, envPort } from '@reclaim/platform';

export const PushConfig = z.object({
  ...baseConfigShape,
  PUSH_PORT: envPort(3005),
  /** How long a send waits for the suppression view to catch up before the touch is retried. */
  SUPPRESSION_BARRIER_TIMEOUT_MS: envInt(10_000, { min: 100 }),
});
export type PushConfig = z.output<typeof PushConfig>;
