import { CreateSuppressionView1764300000000 } from '@reclaim/suppression';
import { SendLedger1764300000002 } from './1764300000002-send-ledger';

export const migrations = [CreateSuppressionView1764300000000, SendLedger1764300000002];
