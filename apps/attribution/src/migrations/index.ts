import { Init1764100000000 } from './1764100000000-init';
import { Recoveries1765000000000 } from './1765000000000-recoveries';
import { Timeline1765100000000 } from './1765100000000-timeline';

export const migrations = [Init1764100000000, Recoveries1765000000000, Timeline1765100000000];
