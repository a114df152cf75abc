import { Init1764200000000 } from './1764200000000-init';
import { RecoverySignals1764400000000 } from './1764400000000-recovery-signals';
import { IncentiveSettlement1764700000000 } from './1764700000000-incentive-settlement';
import { IncentiveOwner1764800000000 } from './1764800000000-incentive-owner';

export const migrations = [
  Init1764200000000,
  RecoverySignals1764400000000,
  IncentiveSettlement1764700000000,
  IncentiveOwner1764800000000,
];
