import { Module } from '@nestjs/common';
import { SmsSendLedgerRepository } from '../delivery/send-ledger.repository';
import { WebhookEventsRepository } from './webhook-events.repository';
import { WebhooksController } from './webhooks.controller';
import { WebhooksService } from './webhooks.service';

@Module({
  controllers: [WebhooksController],
  providers: [WebhooksService, WebhookEventsRepository, SmsSendLedgerRepository],
})
export class WebhooksModule {}
