import { Module } from '@nestjs/common';
import { CartEventsConsumer } from './cart-events.consumer';
import { CartStateRepository } from './cart-state.repository';
import { CartStateService } from './cart-state.service';

@Module({
  controllers: [CartEventsConsumer],
  providers: [CartStateRepository, CartStateService],
  exports: [CartStateRepository],
})
export class CartsModule {}
