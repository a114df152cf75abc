import { Module } from '@nestjs/common';
import { UnsubscribeController } from './unsubscribe.controller';
import { UnsubscribeMailbox } from './unsubscribe-mailbox.service';
import { UnsubscribeService } from './unsubscribe.service';

/** One-click unsubscribe over HTTP (RFC 8058) and by mail to EMAIL_UNSUBSCRIBE_MAILBOX. */
@Module({
  controllers: [UnsubscribeController],
  providers: [UnsubscribeService, UnsubscribeMailbox],
  exports: [UnsubscribeMailbox],
})
export class UnsubscribeModule {}
