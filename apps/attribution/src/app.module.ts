import { Module, type DynamicModule } from '@nestjs/common';
import { PlatformModule } from '@reclaim/platform';
import { AuthModule } from './auth/auth.module';
import { DashboardModule } from './dashboard/dashboard.module';
import type { AttributionConfig } from './config';
import { AttributionConsumer } from './consumer/attribution.consumer';
import { RECORD_SINKS } from './consumer/record-sinks';
import { FunnelModule } from './funnel/funnel.module';
import { FunnelSink } from './funnel/funnel.sink';
import { migrations } from './migrations';
import { RecoveriesModule } from './recoveries/recoveries.module';
import { RecoverySink } from './recoveries/recovery.sink';
import { ReportsModule } from './reports/reports.module';
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
        RecoveriesModule,
        ReportsModule,
        DashboardModule,
        TimelineModule,
      ],
      controllers: [AttributionConsumer],
      providers: [
        {
          provide: RECORD_SINKS,
          useFactory: (funnel: FunnelSink, recoveries: RecoverySink, timeline: TimelineSink) => [
            funnel,
            recoveries,
            timeline,
          ],
          inject: [FunnelSink, RecoverySink, TimelineSink],
        },
      ],
    };
  }
}
