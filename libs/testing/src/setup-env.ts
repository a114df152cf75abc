import { silenceKafkajsTimerWarning } from '@reclaim/kafka';

silenceKafkajsTimerWarning();
