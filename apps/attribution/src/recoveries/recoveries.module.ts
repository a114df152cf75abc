import { Module } from '@nestjs/common';
import { StoreSettingsBook } from '../settings/store-settings';
import { ATTRIBUTION_CONFIG, type AttributionConfig } from '../config';
import { RecoveryDecider } from './recovery-decider.service';
import { RecoveryLedgerRepository } from './recovery-ledger.repository';
import { RecoverySink } from './recovery.sink';

@Module({
  providers: [
    RecoveryLedgerRepository,
    RecoverySink,
    RecoveryDecider,
    {
      provide: StoreSettingsBook,
      useFactory: (config: AttributionConfig) => new StoreSettingsBook(config, config.ATTRIBUTION_STORES),
      inject: [ATTRIBUTION_CONFIG],
    },
  ],
  exports: [RecoveryLedgerRepository, RecoverySink, RecoveryDecider, StoreSettingsBook],
})
export class RecoveriesModule {}
