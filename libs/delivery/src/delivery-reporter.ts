import type { Logger } from '@nestjs/common';
import { Counter, register } from 'prom-client';
import { Contracts, type Channel, type Delivery, type TouchDue } from '@reclaim/contracts';
import { derivedId } from '@reclaim/core';
import type { EventPublisher } from '@reclaim/kafka';
import { decideOnClaim, deliveryStatusOf, type FinalLedgerStatus } from './domain/send-ledger';
import type { LedgerRow, SendLedger } from './send-ledger.repository';

/** `reclaim_<channel>_deliveries_total{status, reason}`: the reason up to its first ":", so labels stay bounded. */
function deliveriesCounter(channel: Channel): Counter<'status' | 'reason'> {
  const name = `reclaim_${channel}_deliveries_total`;
  return (
    (register.getSingleMetric(name) as Counter<'status' | 'reason'> | undefined) ??
    new Counter({
      name,
      help: `Deliveries reported by the ${channel} service, by status and reason.`,
      labelNames: ['status', 'reason'],
    })
  );
}

/** The ledger facts a delivery reported after the hand-off is built from. */
export type HandedOverTouch = Pick<
  LedgerRow,
  'touchId' | 'abandonmentId' | 'storeId' | 'cartId' | 'sequence' | 'providerMessageId'
>;

/**
 * What the provider said about a touch after taking it (a bounce, a failed delivery), as a
 * `Delivery` whose id derives from the touch and the status like every other report of it: a
 * report repeated by the provider is the same event.
 */
export function deliveryAfterHandOff(
  channel: Channel,
  row: HandedOverTouch,
  status: 'bounced' | 'failed',
  reason: string,
  at: Date,
): Delivery {
  return {
    deliveryId: derivedId(channel, row.touchId, status),
    touchId: row.touchId,
    abandonmentId: row.abandonmentId,
    storeId: row.storeId,
    cartId: row.cartId,
    channel,
    sequence: row.sequence,
    status,
    reason,
    ...(row.providerMessageId ? { providerMessageId: row.providerMessageId } : {}),
    at: at.toISOString(),
  };
}

/**
 * Tells the world what became of a touch, from its ledger row: one `Delivery` on
 * reclaim.deliveries.v1 per touch and final status, with an id derived from both, so a repeated
 * report (a redelivered touch, a lost publish) is the same event. Counted and logged once sent.
 */
export class DeliveryReporter {
  private readonly counter: Counter<'status' | 'reason'>;

  constructor(
    private readonly channel: Channel,
    private readonly ledger: SendLedger,
    private readonly publisher: Pick<EventPublisher, 'publish'>,
    private readonly logger: Logger,
  ) {
    this.counter = deliveriesCounter(channel);
  }

  /** Records a final outcome decided before the provider was involved, then reports it. */
  async finish(touch: TouchDue, status: 'skipped' | 'failed', reason: string): Promise<void> {
    if (status === 'skipped') await this.ledger.markSkipped(touch.touchId, reason);
    else await this.ledger.markFailed(touch.touchId, reason);
    return this.reportCurrent(touch);
  }

  /** Reports whatever final status the row has now (re-read: a concurrent attempt may have decided). */
  async reportCurrent(touch: TouchDue): Promise<void> {
    const row = await this.ledger.find(touch.touchId);
    if (!row) return;
    const decision = decideOnClaim(row.status);
    if (decision.action === 'report') await this.report(touch, decision.status, row);
  }

  async report(touch: TouchDue, status: FinalLedgerStatus, row: LedgerRow): Promise<void> {
    const delivery: Delivery = {
      deliveryId: derivedId(this.channel, touch.touchId, status),
      touchId: touch.touchId,
      abandonmentId: touch.abandonmentId,
      storeId: touch.storeId,
      cartId: touch.cartId,
      channel: this.channel,
      sequence: touch.sequence,
      status: deliveryStatusOf(status),
      at: new Date().toISOString(),
    };
    if (row.reason && status !== 'sent') delivery.reason = row.reason;
    if (row.handoffStartedAt && (status === 'sent' || status === 'unknown'))
      delivery.handoffAt = new Date(row.handoffStartedAt).toISOString();
    if (row.segments && status === 'sent') delivery.segments = row.segments;
    if (row.providerMessageId) delivery.providerMessageId = row.providerMessageId;
    await this.publisher.publish(Contracts.delivery, [delivery]);
    this.counter.inc({ status, reason: (delivery.reason ?? '').split(':')[0] ?? '' });
    this.logger.log({ msg: 'touch delivered', touchId: touch.touchId, status, reason: delivery.reason });
  }
}
