import { Module, type DynamicModule } from '@nestjs/common';
import { PlatformModule } from '@reclaim/platform';
import { AuthModule } from './auth/auth.module';
import type { AttributionConfig } from './config';
import { AttributionConsumer } from './consumer/attribution.consumer';
import { RECORD_SINKS } from './consumer/record-sinks';
import { FunnelModule } from './funnel/funnel.module';
import { FunnelSink } from './funnel/funnel.sink';
import { migrations } from './migrations';
import { TimelineModule } from './timeline/timeline.module';
import { TimelineSink } from './timeline/timeline.sink';

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
        AuthModule.register(config),
        FunnelModule,
        TimelineModule,
      ],
      controllers: [AttributionConsumer],
      providers: [
        {
          provide: RECORD_SINKS,
          useFactory: (funnel: FunnelSink, timeline: TimelineSink) => [funnel, timeline],
          inject: [FunnelSink, TimelineSink],
        },
      ],
    };
  }
}
