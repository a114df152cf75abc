import { Inject, Injectable, Logger } from '@nestjs/common';
import { Contracts, DeliveryStatuses, type DeliveryStatus, type TouchDue } from '@reclaim/contracts';
import { derivedId } from '@reclaim/core';
import { EventPublisher } from '@reclaim/kafka';
import { recipientOf, SuppressionView } from '@reclaim/suppression';
import { countDelivery } from './delivery-metrics';
import { SendLedgerRepository, type LedgerRow } from './send-ledger.repository';

/** The honest answer until a push adapter (web push, FCM) exists. */
export const CHANNEL_NOT_CONFIGURED = 'channel_not_configured';

/**
 * Push touches for now: recorded once in the ledger, checked against suppressions (behind the
 * barrier), and answered with a `skipped` delivery — `suppressed:<reason>` or
 * `channel_not_configured` — so nothing is silently dropped. The provider comes in a later issue.
 */
@Injectable()
export class PushDeliveryService {
  private readonly logger = new Logger(PushDeliveryService.name);

  constructor(
    private readonly ledger: SendLedgerRepository,
    @Inject(SuppressionView) private readonly suppressions: SuppressionView,
    @Inject(EventPublisher) private readonly publisher: EventPublisher,
  ) {}

  async deliver(touch: TouchDue): Promise<void> {
    let row = await this.ledger.claim(touch);
    if (row.status === 'pending') {
      await this.suppressions.catchUp();
      const verdict = await this.suppressions.isSuppressed(recipientOf(touch));
      row = await this.ledger.markSkipped(
        touch.touchId,
        verdict.suppressed ? `suppressed:${verdict.reason}` : CHANNEL_NOT_CONFIGURED,
      );
    }
    await this.report(touch, row);
  }

  /** Delivery ids are derived from touch and status: a repeated report is the same event. */
  private async report(touch: TouchDue, row: LedgerRow): Promise<void> {
    const status = DeliveryStatuses.find((s): s is DeliveryStatus => s === row.status);
    if (!status) return; // still pending elsewhere: that attempt reports
    await this.publisher.publish(Contracts.delivery, [
      {
        deliveryId: derivedId('push', touch.touchId, status),
        touchId: touch.touchId,
        abandonmentId: touch.abandonmentId,
        storeId: touch.storeId,
        cartId: touch.cartId,
        channel: 'push',
        sequence: touch.sequence,
        status,
        ...(row.reason ? { reason: row.reason } : {}),
        at: new Date().toISOString(),
      },
    ]);
    countDelivery(status, row.reason);
    this.logger.log({ msg: 'touch answered', touchId: touch.touchId, status, reason: row.reason });
  }
}
