import { Inject, Injectable } from '@nestjs/common';
import { ConsumerGroups, Contracts, deadLetterTopicSpec, Topics } from '@reclaim/contracts';
import { Kafka, parseRecord, type IncomingRecord, type KafkaSettings } from '@reclaim/kafka';
import { FeedConsumer, KAFKA_SETTINGS } from '@reclaim/platform';
import { CardWithdrawalService } from './card-withdrawal.service';

/**
 * Reads `reclaim.suppressions.v1` in a group of its own (`reclaim.push.withdrawals`), apart from
 * the suppression view (which must never wait on a push service), and withdraws the cards each
 * order made pointless. Tombstones (a consent grant lifting a stop) are passed over.
 */
@Injectable()
export class CardWithdrawalConsumer extends FeedConsumer {
  static readonly groupId = `${ConsumerGroups.push}.withdrawals`;

  constructor(
    @Inject(Kafka) kafka: Kafka,
    @Inject(KAFKA_SETTINGS) settings: KafkaSettings,
    private readonly withdrawals: CardWithdrawalService,
  ) {
    super(kafka, settings, {
      groupId: CardWithdrawalConsumer.groupId,
      topics: [Topics.suppressions.name],
      deadLetterTopic: deadLetterTopicSpec('push').name,
      partitionsConsumedConcurrently: Topics.suppressions.partitions,
    });
  }

  protected async apply(record: IncomingRecord): Promise<void> {
    if (record.value === null || record.value.length === 0) return;
    await this.withdrawals.onSuppression(parseRecord(Contracts.suppression, record).payload);
  }
}
