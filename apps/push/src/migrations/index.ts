import { CreateSuppressionView1764300000000 } from '@reclaim/suppression';
import { SendLedger1764300000003 } from './1764300000003-send-ledger';

export const migrations = [CreateSuppressionView1764300000000, SendLedger1764300000003];
