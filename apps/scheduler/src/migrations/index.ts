import { Init1764200000000 } from './1764200000000-init';

export const migrations = [Init1764200000000];
