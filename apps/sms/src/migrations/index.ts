import { SendLedgerHandoff1765200000000, SendLedgerRetries1765000000000 } from '@reclaim/delivery';
import { CreateSuppressionView1764300000000 } from '@reclaim/suppression';
import { SendLedger1764300000002 } from './1764300000002-send-ledger';
import { ProviderSends1764600000002 } from './1764600000002-provider-sends';

export const migrations = [
  CreateSuppressionView1764300000000,
  SendLedger1764300000002,
  ProviderSends1764600000002,
  SendLedgerRetries1765000000000,
  SendLedgerHandoff1765200000000,
];
