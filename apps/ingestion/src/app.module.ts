import { Global, Module, type DynamicModule } from '@nestjs/common';
import { PlatformModule } from '@reclaim/platform';
import { INGESTION_CONFIG, type IngestionConfig } from './config';
import { EventsModule } from './events/events.module';
import { migrations } from './migrations';
import { ResumeModule } from './resume/resume.module';

@Global()
@Module({})
export class AppModule {
  static register(config: IngestionConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot({
          service: 'ingestion',
          config,
          database: { migrations },
          publisher: {
            transactionalProducers: config.INGESTION_TX_PRODUCERS,
            transactionalIdPrefix: `reclaim-ingestion-${config.INGESTION_INSTANCE_ID}`,
            sendTimeoutMs: config.INGESTION_KAFKA_TIMEOUT_MS,
            // Admission already bounds the requests that can wait for a producer.
            maxWaiting: config.INGESTION_MAX_IN_FLIGHT,
          },
        }),
        EventsModule,
        ResumeModule,
      ],
      providers: [{ provide: INGESTION_CONFIG, useValue: config }],
      exports: [INGESTION_CONFIG],
    };
  }
}
