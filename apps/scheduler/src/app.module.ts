import { Module, type DynamicModule } from '@nestjs/common';
import { PlatformModule } from '@reclaim/platform';
import type { SchedulerConfig } from './config';
import { migrations } from './migrations';
import { TouchesModule } from './touches/touches.module';

@Module({})
export class AppModule {
  static register(config: SchedulerConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot({
          service: 'scheduler',
          config,
          database: { migrations },
          consumer: { group: 'scheduler' },
        }),
        TouchesModule.register(config),
      ],
    };
  }
}
