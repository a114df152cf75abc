import { Module } from '@nestjs/common';
import { SubscriptionsModule } from '../subscriptions/subscriptions.module';
import { WithdrawalModule } from '../withdrawal/withdrawal.module';
import { PushDeliveryService } from './push-delivery.service';
import { SendLedgerRepository } from '@reclaim/delivery';
import { TouchDueConsumer } from './touch-due.consumer';

@Module({
  imports: [SubscriptionsModule, WithdrawalModule],
  controllers: [TouchDueConsumer],
  providers: [PushDeliveryService, SendLedgerRepository],
})
export class DeliveryModule {}
