import { Module } from '@nestjs/common';
import { SubscriptionsModule } from '../subscriptions/subscriptions.module';
import { WithdrawalModule } from '../withdrawal/withdrawal.module';
import { PushDeliveryService } from './push-delivery.service';
import { PushChannel } from './push-channel';
import { LedgerRetryLoop, SendLedgerRepository } from '@reclaim/delivery';
import { PUSH_CONFIG, type PushConfig } from '../config';
import { TouchDueConsumer } from './touch-due.consumer';

@Module({
  imports: [SubscriptionsModule, WithdrawalModule],
  controllers: [TouchDueConsumer],
  providers: [
    PushDeliveryService,
    PushChannel,
    SendLedgerRepository,
    {
      provide: LedgerRetryLoop,
      inject: [PushDeliveryService, PUSH_CONFIG],
      useFactory: (delivery: PushDeliveryService, config: PushConfig) =>
        new LedgerRetryLoop('push', delivery, { intervalMs: config.TOUCH_RETRY_POLL_INTERVAL_MS }),
    },
  ],
})
export class DeliveryModule {}
