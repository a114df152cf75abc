import { Module, type OnModuleInit } from '@nestjs/common';
import { HealthRegistry } from '@reclaim/platform';
import { PUSH_CONFIG, type PushConfig } from '../config';
import { PUSH_NETWORK_TEST_SEAMS, PushEndpointGuard, type PushNetworkTestSeams } from '../delivery/push-endpoint-guard';
import { PushSubscriptionsConsumer } from './push-subscriptions.consumer';
import { PushSubscriptionsRepository } from './push-subscriptions.repository';

/**
 * Shoppers' push addresses: the consumer that records them, the repository the send path reads,
 * and the endpoint guard both apply.
 */
@Module({
  providers: [
    PushSubscriptionsRepository,
    PushSubscriptionsConsumer,
    {
      provide: PushEndpointGuard,
      useFactory: (config: PushConfig, seams: PushNetworkTestSeams | undefined) =>
        new PushEndpointGuard(config.PUSH_ENDPOINT_ALLOWED_HOSTS, seams),
      inject: [PUSH_CONFIG, { token: PUSH_NETWORK_TEST_SEAMS, optional: true }],
    },
  ],
  exports: [PushSubscriptionsRepository, PushEndpointGuard],
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
