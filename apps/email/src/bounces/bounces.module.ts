import { Module } from '@nestjs/common';
import { EmailSendLedgerRepository } from '../ledger/send-ledger.repository';
import { InboundReportsService } from './inbound-reports.service';
import { InboundSmtpServer } from './inbound-smtp.server';

/** Bounces and complaints coming back to the bounce address (DSN, ARF) → suppressions and deliveries. */
@Module({ providers: [InboundReportsService, InboundSmtpServer, EmailSendLedgerRepository] })
export class BouncesModule {}
