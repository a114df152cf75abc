import { Init1764200000000 } from './1764200000000-init';
import { SchedulerPolicies1764500000000 } from './1764500000000-scheduler-policies';
import { LiveSequences1764600000000 } from './1764600000000-live-sequences';
import { StopScopes1764800000000 } from './1764800000000-stop-scopes';

export const migrations = [
  Init1764200000000,
  SchedulerPolicies1764500000000,
  LiveSequences1764600000000,
  StopScopes1764800000000,
];
