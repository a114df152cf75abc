import { Module, type OnModuleInit } from '@nestjs/common';
import { HealthRegistry } from '@reclaim/platform';
import { SubscriptionsModule } from '../subscriptions/subscriptions.module';
import { CardWithdrawalConsumer } from './card-withdrawal.consumer';
import { CardWithdrawalService } from './card-withdrawal.service';
import { PushCardsRepository } from './push-cards.repository';

/** The cards sent (recorded by the send path) and their withdrawal when the cart's order completes. */
@Module({
  imports: [SubscriptionsModule],
  providers: [PushCardsRepository, CardWithdrawalService, CardWithdrawalConsumer],
  exports: [PushCardsRepository],
})
export class WithdrawalModule implements OnModuleInit {
  constructor(
    private readonly health: HealthRegistry,
    private readonly consumer: CardWithdrawalConsumer,
  ) {}

  onModuleInit(): void {
    this.health.register('push-card-withdrawals', () => this.consumer.health());
  }
}
