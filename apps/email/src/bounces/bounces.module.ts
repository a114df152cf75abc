import { Module } from '@nestjs/common';
import { EmailSendLedgerRepository } from '../ledger/send-ledger.repository';
import { UnsubscribeModule } from '../unsubscribe/unsubscribe.module';
import { InboundReportsService } from './inbound-reports.service';
import { InboundSmtpServer } from './inbound-smtp.server';

/**
 * Mail coming back: bounces and complaints to the bounce address (DSN, ARF) → suppressions and
 * deliveries; unsubscribe requests to the unsubscribe mailbox, handed to the unsubscribe module.
 */
@Module({
  imports: [UnsubscribeModule],
  providers: [InboundReportsService, InboundSmtpServer, EmailSendLedgerRepository],
})
export class BouncesModule {}
