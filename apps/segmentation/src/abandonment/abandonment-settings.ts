import type { AbandonmentWindows } from './domain/abandonment-window';

export const ABANDONMENT_SETTINGS = Symbol('ABANDONMENT_SETTINGS');

export interface AbandonmentSettings {
  /** Already multiplied by RECOVERY_TIME_SCALE. */
  windows: AbandonmentWindows;
  sweepIntervalMs: number;
  sweepBatch: number;
  holdoutPercent: number;
}
