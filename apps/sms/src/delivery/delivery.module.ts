import { Module } from '@nestjs/common';
import { SMS_PROVIDER } from '../provider/sms-provider';
import { TwilioSmsProvider } from '../provider/twilio-sms-provider';
import { SmsSendLedgerRepository } from './send-ledger.repository';
import { SmsDeliveryService } from './sms-delivery.service';
import { TouchDueConsumer } from './touch-due.consumer';

@Module({
  controllers: [TouchDueConsumer],
  providers: [SmsDeliveryService, SmsSendLedgerRepository, { provide: SMS_PROVIDER, useClass: TwilioSmsProvider }],
})
export class DeliveryModule {}
