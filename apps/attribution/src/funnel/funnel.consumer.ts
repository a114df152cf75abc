import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { Contracts, Topics } from '@reclaim/contracts';
import { parseRecord, recordType, type IncomingRecord } from '@reclaim/kafka';
import { FunnelRepository } from './funnel.repository';

/**
 * The attribution service's first slice: a per-store funnel (events, abandonments, deliveries
 * by status) kept idempotently. Recovery attribution and lift come in a later issue.
 */
@Controller()
export class FunnelConsumer {
  constructor(private readonly funnel: FunnelRepository) {}

  @EventPattern(Topics.storefrontEvents.name)
  async onStorefrontEvent(@Payload() record: IncomingRecord): Promise<void> {
    const { payload, cloudEvent } = parseRecord(Contracts.storefrontEvent, record);
    await this.funnel.count(cloudEvent.id, payload.storeId, `event:${payload.event.type}`);
  }

  @EventPattern(Topics.abandonments.name)
  async onAbandonment(@Payload() record: IncomingRecord): Promise<void> {
    if (recordType(record) === Contracts.abandonmentPaused.ceType) {
      const paused = parseRecord(Contracts.abandonmentPaused, record);
      return this.funnel.count(paused.cloudEvent.id, paused.payload.storeId, 'abandonment:paused');
    }
    const { payload, cloudEvent } = parseRecord(Contracts.abandonment, record);
    await this.funnel.count(
      cloudEvent.id,
      payload.storeId,
      payload.holdout ? 'abandonment:holdout' : 'abandonment:treated',
    );
  }

  @EventPattern(Topics.deliveries.name)
  async onDelivery(@Payload() record: IncomingRecord): Promise<void> {
    const { payload, cloudEvent } = parseRecord(Contracts.delivery, record);
    await this.funnel.count(cloudEvent.id, payload.storeId, `delivery:${payload.channel}:${payload.status}`);
  }
}
