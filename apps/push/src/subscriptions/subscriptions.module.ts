import { Module, type OnModuleInit } from '@nestjs/common';
import { HealthRegistry } from '@reclaim/platform';
import { PushSubscriptionsConsumer } from './push-subscriptions.consumer';
import { PushSubscriptionsRepository } from './push-subscriptions.repository';

/** Shoppers' push addresses: the consumer that records them and the repository the send path reads. */
@Module({
  providers: [PushSubscriptionsRepository, PushSubscriptionsConsumer],
  exports: [PushSubscriptionsRepository],
})
export class SubscriptionsModule implements OnModuleInit {
  constructor(
    private readonly health: HealthRegistry,
    private readonly consumer: PushSubscriptionsConsumer,
  ) {}

  onModuleInit(): void {
    this.health.register('push-subscriptions', () => this.consumer.health());
  }
}
