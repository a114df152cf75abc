import { Injectable } from '@nestjs/common';
import type { Abandonment, AbandonmentPaused, Delivery, StorefrontEventRecord } from '@reclaim/contracts';
import type { Received, RecordSink } from '../consumer/record-sinks';
import { FunnelRepository } from './funnel.repository';

/**
 * The per-store funnel (events, abandonments, deliveries by status; clicks credited once per
 * touch), kept idempotently: each record counts once however often Kafka delivers it.
 */
@Injectable()
export class FunnelSink implements RecordSink {
  constructor(private readonly funnel: FunnelRepository) {}

  async onStorefrontEvent({ id, payload }: Received<StorefrontEventRecord>): Promise<void> {
    await this.funnel.count(id, payload.storeId, `event:${payload.event.type}`);
  }

  async onPaused({ id, payload }: Received<AbandonmentPaused>): Promise<void> {
    await this.funnel.count(id, payload.storeId, 'abandonment:paused');
  }

  async onAbandonment({ id, payload }: Received<Abandonment>): Promise<void> {
    await this.funnel.count(id, payload.storeId, payload.holdout ? 'abandonment:holdout' : 'abandonment:treated');
  }

  async onDelivery({ id, payload }: Received<Delivery>): Promise<void> {
    const metric = `delivery:${payload.channel}:${payload.status}`;
    if (payload.status !== 'clicked') return this.funnel.count(id, payload.storeId, metric);
    // Clicks: `…:clicked` counts the credited click, once per touch; repeats and prefetches apart.
    // A click without a judgement (recorded before clicks were judged) is a candidate like a first.
    if (payload.click && !payload.click.credited) {
      return this.funnel.count(id, payload.storeId, `${metric}:${payload.click.kind}`);
    }
    await this.funnel.countOncePer(
      id,
      `${payload.storeId}:${payload.touchId}`,
      payload.storeId,
      metric,
      `${metric}:repeat`,
    );
  }
}
