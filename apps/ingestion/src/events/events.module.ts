import { Module, RequestMethod, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { INGESTION_CONFIG, type IngestionConfig } from '../config';
import { AcceptedEventsRepository } from './accepted-events.repository';
import { AdmissionControl, AdmissionMiddleware } from './admission';
import { StoreRateLimiter } from './domain/store-rate-limit';
import { EventsController } from './events.controller';
import { EventsService } from './events.service';
import { IngestionGateMiddleware } from './ingestion-gate.middleware';
import { StoreRateLimitGuard } from './store-rate-limit.guard';

@Module({
  controllers: [EventsController],
  providers: [
    EventsService,
    AcceptedEventsRepository,
    AdmissionControl,
    StoreRateLimitGuard,
    {
      provide: StoreRateLimiter,
      inject: [INGESTION_CONFIG],
      useFactory: (config: IngestionConfig) =>
        new StoreRateLimiter({
          requests: config.INGESTION_RATE_LIMIT,
          events: config.INGESTION_RATE_LIMIT_EVENTS,
          windowMs: config.INGESTION_RATE_WINDOW_MS,
        }),
    },
  ],
})
export class EventsModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    // Admission first: an instance at its cap sheds before checking keys or reading bodies.
    consumer
      .apply(AdmissionMiddleware, IngestionGateMiddleware)
      .forRoutes({ path: 'v1/events', method: RequestMethod.POST });
  }
}
