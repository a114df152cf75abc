import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Contracts, type Recovery } from '@reclaim/contracts';
import { HOUR_MS, TimeScale } from '@reclaim/core';
import { ConsumerGroups, Topics } from '@reclaim/contracts';
import { EventPublisher, groupFor, topicFor, type Admin, type KafkaSettings } from '@reclaim/kafka';
import { KAFKA_ADMIN, KAFKA_SETTINGS, PollingLoop } from '@reclaim/platform';
import type { EntityManager } from 'typeorm';
import { ATTRIBUTION_CONFIG, type AttributionConfig } from '../config';
import { StoreSettingsBook } from '../settings/store-settings';
import { ConsumerWatermark } from './consumer-watermark';
import { RecoveryLedgerRepository, type OrderRow } from './recovery-ledger.repository';

const BATCH = 200;

/**
 * Decides recoveries and publishes them. An order due for a decision recovers at most one
 * abandoned cart (its own, else the shopper's latest other one) abandoned within the attribution
 * window before it, never a cart already recovered. The recovery is credited to the last clicked
 * touch within the click window, else the last delivered one within the view window, else to no
 * touch (every hold-out recovery). Each recovery is published once on reclaim.recoveries.v1, in
 * the transaction that marks it published (a crash between the two republishes the same record,
 * same CloudEvents id, which consumers drop).
 */
@Injectable()
export class RecoveryDecider implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RecoveryDecider.name);
  private readonly loop: PollingLoop;
  private readonly scale: TimeScale;
  private readonly watermark: ConsumerWatermark;
  /** Orders read before this moment may be decided: what was published before it is in the ledger. */
  private caughtUpTo = new Date(0);

  constructor(
    private readonly ledger: RecoveryLedgerRepository,
    private readonly settings: StoreSettingsBook,
    private readonly publisher: EventPublisher,
    @Inject(ATTRIBUTION_CONFIG) config: AttributionConfig,
    @Inject(KAFKA_ADMIN) admin: Admin,
    @Inject(KAFKA_SETTINGS) kafka: KafkaSettings,
  ) {
    this.scale = new TimeScale(config.RECOVERY_TIME_SCALE);
    // What an order's credit and recovery depend on: the abandonments, deliveries (clicks) and codes before it.
    const topics = [Topics.abandonments, Topics.deliveries, Topics.incentives].map((t) => topicFor(kafka, t.name));
    this.watermark = new ConsumerWatermark(admin, groupFor(kafka, ConsumerGroups.attribution), topics, () =>
      this.ledger.databaseNow(),
    );
    this.loop = new PollingLoop(() => this.runOnce(), {
      intervalMs: Math.min(500, Math.max(50, config.ATTRIBUTION_SETTLE_MS / 4)),
      batch: BATCH,
      onError: (message) => this.logger.warn(`recovery decisions will be retried: ${message}`),
    });
  }

  onApplicationBootstrap(): void {
    this.loop.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.loop.stop();
  }

  /** One pass: decides the orders that are due, then publishes what is decided. Returns how many it handled. */
  async runOnce(now = new Date()): Promise<number> {
    this.caughtUpTo = (await this.watermark.caughtUpTo()) ?? this.caughtUpTo;
    const decided = await this.ledger.db.transaction(async (tx) => {
      const orders = await this.ledger.lockDueOrders(tx, now, this.caughtUpTo, BATCH);
      for (const order of orders) {
        await this.decide(tx, order);
        await this.ledger.markDecided(tx, order);
      }
      return orders.length;
    });
    const published = await this.ledger.db.transaction(async (tx) => {
      const recoveries = await this.ledger.lockUnpublished(tx, BATCH);
      if (recoveries.length === 0) return 0;
      await this.publisher.publish(Contracts.recovery, recoveries);
      await this.ledger.markPublished(tx, recoveries, new Date());
      return recoveries.length;
    });
    return Math.max(decided, published);
  }

  private async decide(tx: EntityManager, order: OrderRow): Promise<void> {
    if (await this.ledger.orderRecovered(tx, order)) return;
    const store = this.settings.forStore(order.storeId);
    const windows = {
      attributionMs: this.scale.ms(store.attributionWindowMs),
      clickMs: this.scale.ms(store.clickWindowMs),
      viewMs: this.scale.ms(store.viewWindowMs),
    };
    const abandonment = await this.ledger.recoverableAbandonment(tx, order, windows.attributionMs);
    if (!abandonment) return;
    const touch = abandonment.holdout
      ? undefined
      : await this.ledger.creditedTouch(tx, order.storeId, abandonment.cartId, order.orderedAt, windows);
    const angle = touch
      ? await this.ledger.touchAngle(tx, order.storeId, abandonment.cartId, touch.touchId)
      : undefined;
    const code = await this.ledger.incentiveCode(
      tx,
      order.storeId,
      abandonment.cartId,
      touch?.touchId,
      order.orderedAt,
    );
    const businessMs = (order.orderedAt.getTime() - abandonment.abandonedAt.getTime()) / this.scale.factor;
    const recovery: Recovery = {
      storeId: order.storeId,
      cartId: abandonment.cartId,
      orderId: order.orderId,
      revenue: order.total,
      currency: order.currency,
      holdout: abandonment.holdout,
      recoveredAt: order.orderedAt.toISOString(),
      abandonmentId: abandonment.abandonmentId,
      credit: touch?.credit ?? 'none',
      segment: abandonment.segment,
      hoursToRecover: Math.max(0, businessMs / HOUR_MS),
    };
    if (abandonment.cartId !== order.cartId) recovery.orderCartId = order.cartId;
    if (touch) {
      recovery.attributedChannel = touch.channel as Recovery['attributedChannel'];
      recovery.attributedTouchId = touch.touchId;
      if (touch.sequence !== null) recovery.attributedSequence = touch.sequence;
    }
    if (angle) recovery.angle = angle as Recovery['angle'];
    if (code) recovery.incentiveCode = code;
    await this.ledger.insertRecovery(tx, recovery, abandonment.abandonedAt);
  }
}
