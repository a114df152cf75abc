import { Module } from '@nestjs/common';
import { LedgerRetryLoop } from '@reclaim/delivery';
import { SMS_CONFIG, type SmsConfig } from '../config';
import { SMS_PROVIDER } from '../provider/sms-provider';
import { TwilioSmsProvider } from '../provider/twilio-sms-provider';
import { SmsSendLedgerRepository } from './send-ledger.repository';
import { SmsDeliveryService } from './sms-delivery.service';
import { SmsChannel } from './sms-channel';
import { TouchDueConsumer } from './touch-due.consumer';

@Module({
  controllers: [TouchDueConsumer],
  providers: [
    SmsDeliveryService,
    SmsChannel,
    SmsSendLedgerRepository,
    { provide: SMS_PROVIDER, useClass: TwilioSmsProvider },
    {
      provide: LedgerRetryLoop,
      inject: [SmsDeliveryService, SMS_CONFIG],
      useFactory: (delivery: SmsDeliveryService, config: SmsConfig) =>
        new LedgerRetryLoop('sms', delivery, { intervalMs: config.TOUCH_RETRY_POLL_INTERVAL_MS }),
    },
  ],
})
export class DeliveryModule {}
