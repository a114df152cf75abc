import { Inject, Injectable, Logger } from '@nestjs/common';
import { Contracts, SuppressionScopes } from '@reclaim/contracts';
import { derivedId } from '@reclaim/core';
import { EventPublisher } from '@reclaim/kafka';
import { EMAIL_CONFIG, type EmailConfig } from '../config';
import { readUnsubscribeToken, type UnsubscribeRecipient } from '../content/domain/links';

/** Turns an unsubscribe token (sealed, or legacy signed until EMAIL_LEGACY_UNSUBSCRIBE_UNTIL) into a `contact:email` suppression on the compacted topic. */
@Injectable()
export class UnsubscribeService {
  private readonly logger = new Logger(UnsubscribeService.name);

  constructor(
    @Inject(EMAIL_CONFIG) private readonly config: EmailConfig,
    @Inject(EventPublisher) private readonly publisher: EventPublisher,
  ) {}

  /** Who the token is for, or undefined when it is not one of ours. */
  recipientOf(token: string): UnsubscribeRecipient | undefined {
    return readUnsubscribeToken(this.config.RESUME_LINK_SECRET, token, {
      legacyUntil: this.config.EMAIL_LEGACY_UNSUBSCRIBE_UNTIL,
      now: new Date(),
    });
  }

  /** Publishes the suppression; resolves once Kafka acknowledged it. Repeating it is harmless. */
  async unsubscribe(token: string): Promise<boolean> {
    const recipient = this.recipientOf(token);
    if (!recipient) return false;
    const scope = SuppressionScopes.email(recipient.storeId, recipient.email);
    const now = new Date();
    await this.publisher.publish(Contracts.suppression, [
      {
        scope,
        storeId: recipient.storeId,
        reason: 'unsubscribed',
        sourceEventId: derivedId('unsubscribe', scope, now.toISOString()),
        suppressedAt: now.toISOString(),
      },
    ]);
    this.logger.log({
      msg: 'unsubscribed',
      storeId: recipient.storeId,
      ...(recipient.touchId ? { touchId: recipient.touchId } : {}),
      legacyToken: recipient.legacy,
    });
    return true;
  }
}
