import type { AbandonmentWindows } from './domain/abandonment-window';
import type { RecoveryConfig } from './domain/recovery-config';

export const ABANDONMENT_SETTINGS = Symbol('ABANDONMENT_SETTINGS');

export interface AbandonmentSettings {
  /** Already multiplied by RECOVERY_TIME_SCALE. */
  windows: AbandonmentWindows;
  sweepIntervalMs: number;
  sweepBatch: number;
  holdoutPercent: number;
  /** Segments, plans, angles and incentive policy per store (RECOVERY_CONFIG_FILE or the built-in defaults). */
  recovery: RecoveryConfig;
}
