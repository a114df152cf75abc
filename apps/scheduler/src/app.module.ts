import { Module, type DynamicModule } from '@nestjs/common';
import type { Clock } from '@reclaim/core';
import { PlatformModule } from '@reclaim/platform';
import type { SchedulerConfig } from './config';
import { migrations } from './migrations';
import { TouchesModule } from './touches/touches.module';

@Module({})
export class AppModule {
  /**
   * `testClock` is a test-only seam (the time policies and the dispatcher read; e.g. a day of a DST
   * change): main.ts never passes it and no configuration reaches it, so a service runs on the system clock.
   */
  static register(config: SchedulerConfig, testClock?: Clock): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot({
          service: 'scheduler',
          config,
          database: { migrations },
          consumer: { group: 'scheduler' },
        }),
        TouchesModule.register(config, testClock),
      ],
    };
  }
}
