import { Module, RequestMethod, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { AcceptedEventsRepository } from './accepted-events.repository';
import { EventsController } from './events.controller';
import { EventsService } from './events.service';
import { IngestionGateMiddleware } from './ingestion-gate.middleware';

@Module({
  controllers: [EventsController],
  providers: [EventsService, AcceptedEventsRepository],
})
export class EventsModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(IngestionGateMiddleware).forRoutes({ path: 'v1/events', method: RequestMethod.POST });
  }
}
