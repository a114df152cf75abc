import { z } from 'zod';
import { envInt } from '@reclaim/core';
import { baseConfigShape, envDuration, envPort } from '@reclaim/platform';

export const SegmentationConfig = z.object({
  ...baseConfigShape,
  SEGMENTATION_PORT: envPort(3001),
  /** A cart with items and no checkout step is abandoned after this much inactivity. */
  ABANDON_CART_IDLE: envDuration('30m'),
  /** A cart that reached checkout is abandoned after this much inactivity. */
  ABANDON_CHECKOUT_IDLE: envDuration('15m'),
  /** How often the abandonment sweep looks for idle carts (real milliseconds, not scaled). */
  ABANDON_SWEEP_INTERVAL_MS: envInt(1000, { min: 10, max: 3_600_000 }),
  /** How many carts one sweep transaction locks and publishes at most. */
  ABANDON_SWEEP_BATCH: envInt(100, { min: 1, max: 1000 }),
  /** Share of shoppers (0..100) held out of recovery to measure lift; 0 disables the hold-out. */
  RECOVERY_HOLDOUT_PERCENT: envInt(10, { min: 0, max: 100 }),
  /**
   * Path of a JSON plan file (segments, plans, angles, incentive policy; defaults and per-store
   * overrides; see apps/segmentation/README.md). Empty: the built-in defaults.
   */
  RECOVERY_CONFIG_FILE: z.string().default(''),
});
export type SegmentationConfig = z.output<typeof SegmentationConfig>;
