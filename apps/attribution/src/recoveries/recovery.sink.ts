import { Inject, Injectable } from '@nestjs/common';
import type { Abandonment, Delivery, IncentiveIssued, StorefrontEventRecord, Suppression } from '@reclaim/contracts';
import { TimeScale } from '@reclaim/core';
import { ATTRIBUTION_CONFIG, type AttributionConfig } from '../config';
import type { Received, RecordSink } from '../consumer/record-sinks';
import { StoreSettingsBook } from '../settings/store-settings';
import { RecoveryLedgerRepository } from './recovery-ledger.repository';

/**
 * Feeds the recovery ledger from the topics. An order is only recorded here; the recovery it
 * makes is decided ATTRIBUTION_SETTLE_MS later (RecoveryDecider), once deliveries and clicks still
 * in flight on other topics are in. An abandonment read after its order reopens that order.
 */
@Injectable()
export class RecoverySink implements RecordSink {
  private readonly scale: TimeScale;

  constructor(
    private readonly ledger: RecoveryLedgerRepository,
    private readonly settings: StoreSettingsBook,
    @Inject(ATTRIBUTION_CONFIG) private readonly config: AttributionConfig,
  ) {
    this.scale = new TimeScale(config.RECOVERY_TIME_SCALE);
  }

  private decideAfter(): Date {
    return new Date(Date.now() + this.config.ATTRIBUTION_SETTLE_MS);
  }

  async onStorefrontEvent({ payload }: Received<StorefrontEventRecord>): Promise<void> {
    if (payload.event.type === 'order.completed') await this.ledger.saveOrder(payload, this.decideAfter());
  }

  async onAbandonment({ payload }: Received<Abandonment>): Promise<void> {
    await this.ledger.saveAbandonment(payload);
    const windowMs = this.scale.ms(this.settings.forStore(payload.storeId).attributionWindowMs);
    await this.ledger.reopenOrdersAfter(payload, windowMs, this.decideAfter());
  }

  async onDelivery({ payload }: Received<Delivery>): Promise<void> {
    await this.ledger.saveDelivery(payload);
  }

  async onIncentive({ payload }: Received<IncentiveIssued>): Promise<void> {
    await this.ledger.saveIncentive(payload);
  }

  async onSuppression({ id, payload }: Received<Suppression>): Promise<void> {
    await this.ledger.saveSuppression(id, payload);
  }
}
