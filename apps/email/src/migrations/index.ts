import { SendLedgerHandoff1765200000000, SendLedgerRetries1765000000000 } from '@reclaim/delivery';
import { CreateSuppressionView1764300000000 } from '@reclaim/suppression';
import { SendLedger1764300000001 } from './1764300000001-send-ledger';
import { IncentiveCodes1764400000000 } from './1764400000000-incentive-codes';
import { ProductFacts1764500000000 } from './1764500000000-product-facts';
import { LedgerRecipient1764900000000 } from './1764900000000-ledger-recipient';

export const migrations = [
  CreateSuppressionView1764300000000,
  SendLedger1764300000001,
  IncentiveCodes1764400000000,
  ProductFacts1764500000000,
  LedgerRecipient1764900000000,
  SendLedgerRetries1765000000000,
  SendLedgerHandoff1765200000000,
];
