import { Init1764100000000 } from './1764100000000-init';
import { Timeline1765100000000 } from './1765100000000-timeline';

export const migrations = [Init1764100000000, Timeline1765100000000];
