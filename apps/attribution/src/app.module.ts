import { Module, type DynamicModule } from '@nestjs/common';
import { PlatformModule } from '@reclaim/platform';
import type { AttributionConfig } from './config';
import { FunnelModule } from './funnel/funnel.module';
import { migrations } from './migrations';

@Module({})
export class AppModule {
  static register(config: AttributionConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot({
          service: 'attribution',
          config,
          database: { migrations },
          consumer: { group: 'attribution' },
        }),
        FunnelModule,
      ],
    };
  }
}
