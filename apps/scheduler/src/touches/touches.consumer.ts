import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { Contracts, Topics } from '@reclaim/contracts';
import { InvalidInputError } from '@reclaim/core';
import { isTombstone, parseRecord, recordType, type IncomingRecord } from '@reclaim/kafka';
import { TouchSchedulerService } from './touch-scheduler.service';

@Controller()
export class TouchesConsumer {
  constructor(private readonly scheduler: TouchSchedulerService) {}

  /** The abandonments topic carries abandonments and their pauses (by ce_type). */
  @EventPattern(Topics.abandonments.name)
  async onAbandonment(@Payload() record: IncomingRecord): Promise<void> {
    if (recordType(record) === Contracts.abandonmentPaused.ceType) {
      const paused = parseRecord(Contracts.abandonmentPaused, record);
      return this.scheduler.pause(paused.cloudEvent.id, paused.payload);
    }
    const { payload, cloudEvent } = parseRecord(Contracts.abandonment, record);
    await this.scheduler.schedule(cloudEvent.id, payload);
  }

  /** Suppressions, and tombstones that lift one (compaction's delete: a consent given again). */
  @EventPattern(Topics.suppressions.name)
  async onSuppression(@Payload() record: IncomingRecord): Promise<void> {
    if (isTombstone(record)) {
      if (!record.key) throw new InvalidInputError('suppression tombstone without a key');
      return this.scheduler.lift(record.key);
    }
    const { payload, cloudEvent } = parseRecord(Contracts.suppression, record);
    await this.scheduler.suppress(cloudEvent.id, payload);
  }

  /**
   * Only validated for now: caps and pacing count what this service dispatched (touches table),
   * so a touch a channel later skipped or failed still counts as a send (the conservative side).
   */
  @EventPattern(Topics.deliveries.name)
  onDelivery(@Payload() record: IncomingRecord): void {
    parseRecord(Contracts.delivery, record);
  }
}
