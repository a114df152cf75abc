import { Module } from '@nestjs/common';
import { EmailDeliveryService } from './email-delivery.service';
import { LedgerRetryLoop, SendLedgerRepository } from '@reclaim/delivery';
import { EMAIL_CONFIG, type EmailConfig } from '../config';
import { SmtpMailer } from './smtp-mailer';
import { EmailChannel } from './email-channel';
import { EmailComposer } from '../content/email-composer';
import { TouchDueConsumer } from './touch-due.consumer';
import { IncentiveCodesRepository } from '../incentives/incentive-codes.repository';
import { IncentiveService } from '../incentives/incentive.service';
import { ProductFactsModule } from '../products/product-facts.module';

@Module({
  imports: [ProductFactsModule],
  controllers: [TouchDueConsumer],
  providers: [
    EmailDeliveryService,
    SendLedgerRepository,
    SmtpMailer,
    EmailChannel,
    EmailComposer,
    IncentiveService,
    IncentiveCodesRepository,
    {
      provide: LedgerRetryLoop,
      inject: [EmailDeliveryService, EMAIL_CONFIG],
      useFactory: (delivery: EmailDeliveryService, config: EmailConfig) =>
        new LedgerRetryLoop('email', delivery, { intervalMs: config.TOUCH_RETRY_POLL_INTERVAL_MS }),
    },
  ],
})
export class DeliveryModule {}
