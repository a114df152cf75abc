import { Module } from '@nestjs/common';
import { EmailDeliveryService } from './email-delivery.service';
import { SendLedgerRepository } from './send-ledger.repository';
import { SmtpMailer } from './smtp-mailer';
import { TouchDueConsumer } from './touch-due.consumer';

@Module({ controllers: [TouchDueConsumer], providers: [EmailDeliveryService, SendLedgerRepository, SmtpMailer] })
export class DeliveryModule {}
