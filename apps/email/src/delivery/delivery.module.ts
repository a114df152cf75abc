import { Module } from '@nestjs/common';
import { EmailDeliveryService } from './email-delivery.service';
import { SendLedgerRepository } from '@reclaim/delivery';
import { SmtpMailer } from './smtp-mailer';
import { TouchDueConsumer } from './touch-due.consumer';
import { IncentiveCodesRepository } from '../incentives/incentive-codes.repository';
import { IncentiveService } from '../incentives/incentive.service';
import { ProductFactsModule } from '../products/product-facts.module';

@Module({
  imports: [ProductFactsModule],
  controllers: [TouchDueConsumer],
  providers: [EmailDeliveryService, SendLedgerRepository, SmtpMailer, IncentiveService, IncentiveCodesRepository],
})
export class DeliveryModule {}
