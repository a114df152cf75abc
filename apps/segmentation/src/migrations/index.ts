import { Init1764200000000 } from './1764200000000-init';
import { RecoverySignals1764400000000 } from './1764400000000-recovery-signals';

export const migrations = [Init1764200000000, RecoverySignals1764400000000];
