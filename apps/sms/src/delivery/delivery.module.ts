import { Module } from '@nestjs/common';
import { SendLedgerRepository } from './send-ledger.repository';
import { SmsDeliveryService } from './sms-delivery.service';
import { TouchDueConsumer } from './touch-due.consumer';

@Module({ controllers: [TouchDueConsumer], providers: [SmsDeliveryService, SendLedgerRepository] })
export class DeliveryModule {}
