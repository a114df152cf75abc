import { CreateSuppressionView1764300000000 } from '@reclaim/suppression';
import { SendLedger1764300000001 } from './1764300000001-send-ledger';

export const migrations = [CreateSuppressionView1764300000000, SendLedger1764300000001];
