import { Module } from '@nestjs/common';
import { SMS_PROVIDER } from '../provider/sms-provider';
import { TwilioSmsProvider } from '../provider/twilio-sms-provider';
import { SendLedgerRepository } from './send-ledger.repository';
import { SmsDeliveryService } from './sms-delivery.service';
import { TouchDueConsumer } from './touch-due.consumer';

@Module({
  controllers: [TouchDueConsumer],
  providers: [SmsDeliveryService, SendLedgerRepository, { provide: SMS_PROVIDER, useClass: TwilioSmsProvider }],
})
export class DeliveryModule {}
