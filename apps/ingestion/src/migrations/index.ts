import { Init1764100000000 } from './1764100000000-init';
import { ResumeClicks1764400000000 } from './1764400000000-resume-clicks';
import { LandingReadModel1764500000000 } from './1764500000000-landing-read-model';

export const migrations = [Init1764100000000, ResumeClicks1764400000000, LandingReadModel1764500000000];
