import { readFileSync } from 'node:fs';
import { ConfigError, errorMessage } from '@reclaim/core';
import { parseRecoveryConfig, RecoveryConfig } from './domain/recovery-config';

/** Reads and validates RECOVERY_CONFIG_FILE; without a file (undefined or empty), the built-in defaults. */
export function loadRecoveryConfig(file: string | undefined): RecoveryConfig {
  if (file === undefined || file === '') return RecoveryConfig.builtIn();
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError([`RECOVERY_CONFIG_FILE ${file}: ${errorMessage(error)}`]);
  }
  return parseRecoveryConfig(json, `RECOVERY_CONFIG_FILE ${file}`);
}
