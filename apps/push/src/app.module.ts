import { Module, type DynamicModule } from '@nestjs/common';
import { PlatformModule } from '@reclaim/platform';
import { SuppressionModule } from '@reclaim/suppression';
import type { PushConfig } from './config';
import { DeliveryModule } from './delivery/delivery.module';
import { migrations } from './migrations';

@Module({})
export class AppModule {
  static register(config: PushConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot({ service: 'push', config, database: { migrations }, consumer: { group: 'push' } }),
        SuppressionModule.forRoot({ group: 'push', barrierTimeoutMs: config.SUPPRESSION_BARRIER_TIMEOUT_MS }),
        DeliveryModule,
      ],
    };
  }
}
