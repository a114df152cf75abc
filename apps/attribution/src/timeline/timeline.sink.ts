import { Injectable } from '@nestjs/common';
import type {
  Abandonment,
  AbandonmentPaused,
  Delivery,
  IncentiveIssued,
  Recovery,
  StorefrontEventRecord,
  Suppression,
  TouchDue,
} from '@reclaim/contracts';
import { TimeScale } from '@reclaim/core';
import type { Received, RecordSink } from '../consumer/record-sinks';
import {
  abandonmentEntries,
  deliveryEntry,
  incentiveEntry,
  pausedEntry,
  recoveryEntry,
  storefrontEntry,
  suppressionEntry,
  touchEntry,
} from './domain/entries';
import { TimelineRepository } from './timeline.repository';

/**
 * Keeps every cart's timeline from the topics alone: each record becomes its entries (with the
 * reason in words) and is stored once, keyed by its CloudEvents id, however often Kafka delivers it.
 */
@Injectable()
export class TimelineSink implements RecordSink {
  constructor(
    private readonly timeline: TimelineRepository,
    private readonly scale: TimeScale,
  ) {}

  async onStorefrontEvent({ id, payload }: Received<StorefrontEventRecord>): Promise<void> {
    const entry = storefrontEntry(payload, id);
    if (entry) await this.timeline.add([entry]);
  }

  async onAbandonment({ id, payload }: Received<Abandonment>): Promise<void> {
    await this.timeline.add(abandonmentEntries(payload, id, this.scale.factor));
  }

  async onPaused({ id, payload }: Received<AbandonmentPaused>): Promise<void> {
    await this.timeline.add([pausedEntry(payload, id)]);
  }

  async onTouchDue({ id, payload }: Received<TouchDue>): Promise<void> {
    await this.timeline.add([touchEntry(payload, id)]);
  }

  async onDelivery({ id, payload }: Received<Delivery>): Promise<void> {
    await this.timeline.add([deliveryEntry(payload, id)]);
  }

  async onIncentive({ id, payload }: Received<IncentiveIssued>): Promise<void> {
    await this.timeline.add([incentiveEntry(payload, id)]);
  }

  /** Keyed by the event that caused it (one entry for all the scopes it stopped), not by its own id. */
  async onSuppression({ payload }: Received<Suppression>): Promise<void> {
    const entry = suppressionEntry(payload);
    if (entry) await this.timeline.add([entry]);
  }

  async onRecovery({ id, payload }: Received<Recovery>): Promise<void> {
    await this.timeline.add([recoveryEntry(payload, id)]);
  }
}
