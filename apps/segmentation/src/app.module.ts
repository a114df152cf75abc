import { Module, type DynamicModule } from '@nestjs/common';
import { PlatformModule } from '@reclaim/platform';
import { AbandonmentModule } from './abandonment/abandonment.module';
import { CartsModule } from './carts/carts.module';
import type { SegmentationConfig } from './config';
import { migrations } from './migrations';

@Module({})
export class AppModule {
  static register(config: SegmentationConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot({
          service: 'segmentation',
          config,
          database: { migrations },
          consumer: { group: 'segmentation' },
        }),
        CartsModule,
        AbandonmentModule.register(config),
      ],
    };
  }
}
