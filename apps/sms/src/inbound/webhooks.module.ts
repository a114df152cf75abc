import { Module } from '@nestjs/common';
import { SendLedgerRepository } from '../delivery/send-ledger.repository';
import { WebhookEventsRepository } from './webhook-events.repository';
import { WebhooksController } from './webhooks.controller';
import { WebhooksService } from './webhooks.service';

@Module({
  controllers: [WebhooksController],
  providers: [WebhooksService, WebhookEventsRepository, SendLedgerRepository],
})
export class WebhooksModule {}
