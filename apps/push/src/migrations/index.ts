import { SendLedgerHandoff1765200000000, SendLedgerRetries1765000000000 } from '@reclaim/delivery';
import { CreateSuppressionView1764300000000 } from '@reclaim/suppression';
import { SendLedger1764300000003 } from './1764300000003-send-ledger';
import { PushSubscriptions1764600000000 } from './1764600000000-push-subscriptions';
import { CardWithdrawals1764700000000 } from './1764700000000-card-withdrawals';

export const migrations = [
  CreateSuppressionView1764300000000,
  SendLedger1764300000003,
  PushSubscriptions1764600000000,
  CardWithdrawals1764700000000,
  SendLedgerRetries1765000000000,
  SendLedgerHandoff1765200000000,
];
