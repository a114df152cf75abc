import { Module, type DynamicModule } from '@nestjs/common';
import { systemClock, TimeScale } from '@reclaim/core';
import { CartsModule } from '../carts/carts.module';
import { CLOCK } from '../clock';
import type { SegmentationConfig } from '../config';
import { ABANDONMENT_SETTINGS, type AbandonmentSettings } from './abandonment-settings';
import { AbandonmentSweeper } from './abandonment-sweeper.service';
import { IncentiveDeliveriesConsumer } from './incentive-deliveries.consumer';
import { IncentiveLedgerRepository } from './incentive-ledger.repository';
import { IncentiveSettlementService } from './incentive-settlement.service';
import { loadRecoveryConfig } from './recovery-config.loader';

@Module({})
export class AbandonmentModule {
  static register(config: SegmentationConfig): DynamicModule {
    // At start-up: a bad plan file stops the service with every problem named.
    const recovery = loadRecoveryConfig(config.RECOVERY_CONFIG_FILE);
    return {
      module: AbandonmentModule,
      imports: [CartsModule],
      controllers: [IncentiveDeliveriesConsumer],
      providers: [
        { provide: CLOCK, useValue: systemClock },
        {
          provide: ABANDONMENT_SETTINGS,
          inject: [TimeScale],
          useFactory: (scale: TimeScale): AbandonmentSettings => ({
            windows: {
              cartIdleMs: scale.ms(config.ABANDON_CART_IDLE),
              checkoutIdleMs: scale.ms(config.ABANDON_CHECKOUT_IDLE),
            },
            sweepIntervalMs: config.ABANDON_SWEEP_INTERVAL_MS,
            sweepBatch: config.ABANDON_SWEEP_BATCH,
            holdoutPercent: config.RECOVERY_HOLDOUT_PERCENT,
            recovery,
          }),
        },
        IncentiveLedgerRepository,
        IncentiveSettlementService,
        AbandonmentSweeper,
      ],
    };
  }
}
