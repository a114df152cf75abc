import { Module, RequestMethod, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';
import { INGESTION_CONFIG, type IngestionConfig } from '../config';
import { AcceptedEventsRepository } from './accepted-events.repository';
import { EventsController } from './events.controller';
import { EventsService } from './events.service';
import { IngestionGateMiddleware } from './ingestion-gate.middleware';
import { StoreThrottlerGuard } from './store-throttler.guard';

@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [INGESTION_CONFIG],
      useFactory: (config: IngestionConfig) => [
        { ttl: config.INGESTION_RATE_WINDOW_MS, limit: config.INGESTION_RATE_LIMIT },
      ],
    }),
  ],
  controllers: [EventsController],
  providers: [EventsService, AcceptedEventsRepository, StoreThrottlerGuard],
})
export class EventsModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(IngestionGateMiddleware).forRoutes({ path: 'v1/events', method: RequestMethod.POST });
  }
}
