import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { Contracts, Topics } from '@reclaim/contracts';
import { parseRecord, recordType, type IncomingRecord } from '@reclaim/kafka';
import { FunnelRepository } from './funnel.repository';

/**
 * The attribution service's first slice: a per-store funnel (events, abandonments, deliveries
 * by status; clicks credited once per touch) kept idempotently. Recovery attribution and lift come in a later issue.
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
    const metric = `delivery:${payload.channel}:${payload.status}`;
    if (payload.status !== 'clicked') return this.funnel.count(cloudEvent.id, payload.storeId, metric);
    // Clicks: `…:clicked` counts the credited click, once per touch; repeats and prefetches apart.
    // A click without a judgement (recorded before clicks were judged) is a candidate like a first.
    if (payload.click && !payload.click.credited) {
      return this.funnel.count(cloudEvent.id, payload.storeId, `${metric}:${payload.click.kind}`);
    }
    await this.funnel.countOncePer(
      cloudEvent.id,
      `${payload.storeId}:${payload.touchId}`,
      payload.storeId,
      metric,
      `${metric}:repeat`,
    );
  }
}
