import { z } from 'zod';
import { envInt } from '@reclaim/core';
import { baseConfigShape, envPort } from '@reclaim/platform';

export const SchedulerConfig = z.object({
  ...baseConfigShape,
  SCHEDULER_PORT: envPort(3002),
  /** How often the dispatcher looks for due touches (real milliseconds, not scaled). */
  SCHEDULER_POLL_INTERVAL_MS: envInt(200, { min: 10, max: 60_000 }),
  /** How many due touches one dispatch transaction claims at most. */
  SCHEDULER_DISPATCH_BATCH: envInt(100, { min: 1, max: 1000 }),
});
export type SchedulerConfig = z.output<typeof SchedulerConfig>;
