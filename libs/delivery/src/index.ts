export * from './domain/send-ledger';
export * from './domain/stale-check';
export * from './send-ledger.repository';
export * from './delivery-reporter';
