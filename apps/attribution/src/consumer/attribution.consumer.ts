import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { z } from 'zod';
import { Contracts, Topics, type Contract } from '@reclaim/contracts';
import { parseRecord, recordType, type IncomingRecord } from '@reclaim/kafka';
import { RECORD_SINKS, type Received, type RecordSink } from './record-sinks';

type Handler = keyof RecordSink;

/**
 * The attribution service's one consumer (group `reclaim.attribution`): a topic has one handler,
 * which parses the record against its contract (an unreadable one is dead-lettered) and hands it
 * to every sink. The offset is committed only after every sink has made its effect durable.
 */
@Controller()
export class AttributionConsumer {
  constructor(@Inject(RECORD_SINKS) private readonly sinks: RecordSink[]) {}

  @EventPattern(Topics.storefrontEvents.name)
  onStorefrontEvent(@Payload() record: IncomingRecord): Promise<void> {
    return this.dispatch('onStorefrontEvent', Contracts.storefrontEvent, record);
  }

  @EventPattern(Topics.abandonments.name)
  onAbandonment(@Payload() record: IncomingRecord): Promise<void> {
    if (recordType(record) === Contracts.abandonmentPaused.ceType)
      return this.dispatch('onPaused', Contracts.abandonmentPaused, record);
    return this.dispatch('onAbandonment', Contracts.abandonment, record);
  }

  @EventPattern(Topics.touchesEmail.name)
  onEmailTouch(@Payload() record: IncomingRecord): Promise<void> {
    return this.dispatch('onTouchDue', Contracts.touchEmail, record);
  }

  @EventPattern(Topics.touchesSms.name)
  onSmsTouch(@Payload() record: IncomingRecord): Promise<void> {
    return this.dispatch('onTouchDue', Contracts.touchSms, record);
  }

  @EventPattern(Topics.touchesPush.name)
  onPushTouch(@Payload() record: IncomingRecord): Promise<void> {
    return this.dispatch('onTouchDue', Contracts.touchPush, record);
  }

  @EventPattern(Topics.deliveries.name)
  onDelivery(@Payload() record: IncomingRecord): Promise<void> {
    return this.dispatch('onDelivery', Contracts.delivery, record);
  }

  @EventPattern(Topics.incentives.name)
  onIncentive(@Payload() record: IncomingRecord): Promise<void> {
    return this.dispatch('onIncentive', Contracts.incentive, record);
  }

  /** Suppressions; a tombstone (a consent given again) lifts a scope and says nothing to measure. */
  @EventPattern(Topics.suppressions.name)
  async onSuppression(@Payload() record: IncomingRecord): Promise<void> {
    if (record.value === null) return;
    return this.dispatch('onSuppression', Contracts.suppression, record);
  }

  @EventPattern(Topics.recoveries.name)
  onRecovery(@Payload() record: IncomingRecord): Promise<void> {
    return this.dispatch('onRecovery', Contracts.recovery, record);
  }

  private async dispatch(handler: Handler, contract: Contract<z.ZodType>, record: IncomingRecord): Promise<void> {
    const { payload, cloudEvent } = parseRecord(contract, record);
    const received: Received<unknown> = { id: cloudEvent.id, payload };
    for (const sink of this.sinks as Array<Partial<Record<Handler, (r: Received<unknown>) => Promise<void>>>>) {
      if (sink[handler]) await sink[handler](received);
    }
  }
}
