import { Module, type DynamicModule } from '@nestjs/common';
import { PlatformModule } from '@reclaim/platform';
import { SuppressionModule } from '@reclaim/suppression';
import type { SmsConfig } from './config';
import { DeliveryModule } from './delivery/delivery.module';
import { migrations } from './migrations';

@Module({})
export class AppModule {
  static register(config: SmsConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot({ service: 'sms', config, database: { migrations }, consumer: { group: 'sms' } }),
        SuppressionModule.forRoot({ group: 'sms', barrierTimeoutMs: config.SUPPRESSION_BARRIER_TIMEOUT_MS }),
        DeliveryModule,
      ],
    };
  }
}
