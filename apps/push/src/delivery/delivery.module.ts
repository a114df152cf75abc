import { Module } from '@nestjs/common';
import { SendLedgerRepository } from './send-ledger.repository';
import { PushDeliveryService } from './push-delivery.service';
import { TouchDueConsumer } from './touch-due.consumer';

@Module({ controllers: [TouchDueConsumer], providers: [PushDeliveryService, SendLedgerRepository] })
export class DeliveryModule {}
