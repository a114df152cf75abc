import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  Contracts,
  shopperKey,
  SuppressionScopes,
  touchContractFor,
  type Abandonment,
  type AbandonmentPaused,
  type Channel,
  type Delivery,
  type Suppression,
} from '@reclaim/contracts';
import { DAY_MS, TimeScale, type Clock } from '@reclaim/core';
import { EventPublisher, type OutgoingMessage } from '@reclaim/kafka';
import { claimInbox } from '@reclaim/persistence';
import { CLOCK } from '../clock';
import type { RecentSend } from './domain/policies/caps';
import { decide, deferralInWords, type PolicySettings } from './domain/policies/deferral';
import { resolveZone, type QuietWindow } from '@reclaim/delivery';
import { suppressionFor, touchesCancelledBy } from './domain/suppression-rules';
import {
  abandonmentScopes,
  deliveryFor,
  PAUSED,
  planTimers,
  SUPERSEDED,
  SUPERSEDED_BY_CART,
  supersededTouches,
  type SequenceRef,
  type TouchTimer,
} from './domain/touch-plan';
import { countPolicyDecision } from './policy-metrics';
import { TouchesRepository, type DueTouch, type TouchDeferral, type TouchOutcome } from './touches.repository';

export const POLICY_CONFIG = Symbol('POLICY_CONFIG');

/** Scheduler policies as configured; durations are business time (RECOVERY_TIME_SCALE applies). */
export interface PolicyConfig {
  quietHours: Partial<Record<Channel, QuietWindow>>;
  storeZone: string | undefined;
  minGapMs: number;
  dailyCap: number;
  smsPerCart: number;
  maxDeferralMs: number;
}

/**
 * Every effect follows one pattern: change the timers inside a Postgres transaction, publish
 * what the change means (deliveries, due touches) while the rows are still locked, and commit
 * only after Kafka acknowledged. A crash in between rolls the rows back and the work is redone
 * with the same derived ids, so nothing is lost and duplicates carry the same id.
 */
@Injectable()
export class TouchSchedulerService {
  private readonly logger = new Logger(TouchSchedulerService.name);
  private readonly policy: PolicySettings;
  private readonly storeZone: string | undefined;

  constructor(
    private readonly touches: TouchesRepository,
    private readonly publisher: EventPublisher,
    private readonly scale: TimeScale,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(POLICY_CONFIG) config: PolicyConfig,
  ) {
    const scaled = (ms: number) => (ms === 0 ? 0 : scale.ms(ms));
    this.storeZone = config.storeZone;
    this.policy = {
      quietHours: config.quietHours,
      maxDeferralMs: scaled(config.maxDeferralMs),
      caps: {
        minGapMs: scaled(config.minGapMs),
        dailyCap: config.dailyCap,
        dailyWindowMs: scaled(DAY_MS),
        perCartChannelCaps: config.smsPerCart > 0 ? { sms: config.smsPerCart } : {},
      },
    };
  }

  /**
   * Creates the timers for an abandonment (hold-outs are recorded and get none) and keeps one
   * live sequence: it cancels the scheduled touches of the cart's earlier abandonment, if any, and
   * of the shopper's other carts when this cart is the more recent one — or is itself cancelled
   * when another cart of the shopper is. A re-armed cart continues where its paused sequence
   * stopped: steps already sent for the cart are born skipped.
   */
  async schedule(eventId: string, abandonment: Abandonment): Promise<void> {
    await this.touches.transaction(async (tx) => {
      if (!(await claimInbox(tx, 'abandonments', eventId))) return;
      if (!(await this.touches.recordAbandonment(tx, abandonment))) return;
      const now = this.clock.now();
      const deliveries: Delivery[] = [];
      const outcomes: TouchOutcome[] = [];
      const cancel = (touches: ReadonlyArray<TouchTimer>, reason: string) => {
        deliveries.push(...touches.map((t) => deliveryFor(t, 'cancelled', reason, now)));
        outcomes.push(...touches.map((t) => ({ touchId: t.touchId, status: 'cancelled' as const, reason })));
      };
      let inserted: TouchTimer[] = [];
      if (!abandonment.holdout) {
        const suppressions = await this.touches.findSuppressions(tx, abandonmentScopes(abandonment));
        const sentSteps = await this.touches.dispatchedSteps(tx, abandonment.storeId, abandonment.cartId);
        const timers = planTimers(abandonment, (ms) => this.scale.ms(ms), suppressions, sentSteps);
        inserted = await this.touches.insertTimers(tx, timers);
        for (const t of inserted) {
          if (t.status === 'cancelled' || t.status === 'skipped') {
            deliveries.push(deliveryFor(t, t.status, t.reason ?? 'unknown', now));
          }
        }
      }
      const arriving: SequenceRef = {
        abandonmentId: abandonment.abandonmentId,
        abandonedAt: new Date(abandonment.abandonedAt),
        lastActivityAt: new Date(abandonment.lastActivityAt),
      };
      const scheduled = await this.touches.lockScheduledOfCart(tx, abandonment.storeId, abandonment.cartId);
      cancel(supersededTouches(scheduled, arriving), SUPERSEDED);

      const shopper = shopperKey(abandonment.storeId, abandonment.cartId, abandonment.customer);
      const anonymous = shopper === SuppressionScopes.cart(abandonment.storeId, abandonment.cartId);
      if (!abandonment.holdout && !anonymous) {
        // Serialises this decision with other abandonments of the shopper (taken after the row locks above).
        await this.touches.lockShoppers(tx, [shopper]);
        const elsewhere = await this.touches.lockScheduledOfShopperElsewhere(
          tx,
          shopper,
          abandonment.storeId,
          abandonment.cartId,
        );
        const own = inserted.filter((t) => t.status === 'scheduled');
        const losers = supersededTouches([...elsewhere, ...own], arriving);
        cancel(losers, SUPERSEDED_BY_CART);
      }
      await this.publisher.publish(Contracts.delivery, deliveries);
      await this.touches.recordOutcomes(tx, outcomes);
    });
  }

  /**
   * The shopper came back to an abandoned cart without ordering: the abandonment's scheduled
   * touches are cancelled (`paused_shopper_returned`). Detection re-arms in segmentation; if the
   * cart goes idle again, the next abandonment continues the sequence where this one stopped.
   */
  async pause(eventId: string, paused: AbandonmentPaused): Promise<void> {
    await this.touches.transaction(async (tx) => {
      if (!(await claimInbox(tx, 'abandonments', eventId))) return;
      const scheduled = await this.touches.lockScheduledOfAbandonment(tx, paused.abandonmentId);
      if (scheduled.length === 0) return;
      const now = this.clock.now();
      await this.publisher.publish(
        Contracts.delivery,
        scheduled.map((t) => deliveryFor(t, 'cancelled', PAUSED, now)),
      );
      await this.touches.recordOutcomes(
        tx,
        scheduled.map((t) => ({ touchId: t.touchId, status: 'cancelled', reason: PAUSED })),
      );
    });
  }

  /** Records a suppression and cancels the pending touches it stops, each with a cancelled delivery. */
  async suppress(eventId: string, suppression: Suppression): Promise<void> {
    await this.touches.transaction(async (tx) => {
      if (!(await claimInbox(tx, 'suppressions', eventId))) return;
      const fact = await this.touches.upsertSuppression(tx, suppression);
      const cancelled = touchesCancelledBy(fact, await this.touches.lockScheduledInScope(tx, fact.scope));
      if (cancelled.length === 0) return;
      const now = this.clock.now();
      await this.publisher.publish(
        Contracts.delivery,
        cancelled.map((t) => deliveryFor(t, 'cancelled', fact.reason, now)),
      );
      await this.touches.recordOutcomes(
        tx,
        cancelled.map((t) => ({ touchId: t.touchId, status: 'cancelled', reason: fact.reason })),
      );
    });
  }

  /**
   * A tombstone on the suppression topic lifts its scope (a consent given again): touches planned
   * or dispatched from now on are no longer stopped by it. What it cancelled stays cancelled.
   */
  async lift(scope: string): Promise<void> {
    await this.touches.transaction((tx) => this.touches.liftSuppression(tx, scope));
  }

  /**
   * Claims due touches and settles each: a suppression stops it (→ cancelled); otherwise the
   * policies (quiet hours, minimum gap, daily cap, per-cart channel caps) either let it go out
   * (published on its channel's topic → dispatched), move it to its next allowed moment (still
   * scheduled, nothing published), or skip it when that moment would be stale or can never come
   * (→ skipped + delivery). Commits after Kafka's acknowledgement. Returns how many it settled.
   */
  async dispatchDue(limit: number): Promise<number> {
    const now = this.clock.now();
    return this.touches.transaction(async (tx) => {
      const due = await this.touches.lockDue(tx, now, limit);
      if (due.length === 0) return 0;
      const suppressions = await this.touches.findSuppressions(tx, [...new Set(due.flatMap((t) => t.scopes))]);
      const live = due.filter((t) => !suppressionFor(t, suppressions));
      const shoppers = [...new Set(live.map((t) => t.shopperKey))];
      await this.touches.lockShoppers(tx, shoppers);
      const lookback = Math.max(this.policy.caps.minGapMs, this.policy.caps.dailyWindowMs);
      const sends = await this.touches.recentSends(
        tx,
        shoppers,
        live.map((t) => ({ storeId: t.storeId, cartId: t.cartId })),
        new Date(now.getTime() - lookback),
      );
      // The shopper's sends and this cart's (one row each, so no send is counted twice).
      const sendsOf = (t: DueTouch): RecentSend[] =>
        sends.filter((s) => s.shopperKey === t.shopperKey || (s.storeId === t.storeId && s.cartId === t.cartId));
      const messages: OutgoingMessage[] = [];
      const outcomes: TouchOutcome[] = [];
      const deferrals: TouchDeferral[] = [];
      const decided: Array<() => void> = []; // metrics and logs, once the effects are written
      for (const touch of due) {
        const suppression = suppressionFor(touch, suppressions);
        if (suppression) {
          messages.push(
            this.publisher.message(Contracts.delivery, deliveryFor(touch, 'cancelled', suppression.reason, now)),
          );
          outcomes.push({ touchId: touch.touchId, status: 'cancelled', reason: suppression.reason });
          continue;
        }
        const zone = resolveZone(touch.payload.customer, this.storeZone);
        const decision = decide(
          { channel: touch.channel, cartId: touch.cartId, originalDueAt: touch.originalDueAt, zone },
          now,
          sendsOf(touch),
          this.policy,
        );
        if (decision.kind === 'send') {
          // dueAt says when the touch was let go: the planned moment, or the one a deferral moved it to
          // (the channels measure a touch's age from it; staleness before that is judged above).
          // A deferred touch says so, with its planned moment and the policy in words (the cart's timeline shows it).
          const payload = {
            ...touch.payload,
            dueAt: touch.dueAt.toISOString(),
            ...(touch.deferredBy && {
              deferred: {
                plannedAt: touch.originalDueAt.toISOString(),
                reason: deferralInWords(touch.deferredBy, zone),
              },
            }),
          };
          messages.push(this.publisher.message(touchContractFor[touch.channel], payload));
          outcomes.push({ touchId: touch.touchId, status: 'dispatched', reason: null });
          // Later touches of this batch see this one (one message per shopper at a time).
          sends.push({
            touchId: touch.touchId,
            shopperKey: touch.shopperKey,
            storeId: touch.storeId,
            cartId: touch.cartId,
            channel: touch.channel,
            at: now,
          });
        } else if (decision.kind === 'defer') {
          deferrals.push({ touchId: touch.touchId, until: decision.until, reason: decision.reason });
          decided.push(() => {
            countPolicyDecision('deferred', touch.channel, decision.reason);
            this.logger.log(
              `touch ${touch.touchId} (${touch.channel}) deferred to ${decision.until.toISOString()}: ${decision.reasons.join(', ')}`,
            );
          });
        } else {
          messages.push(
            this.publisher.message(Contracts.delivery, deliveryFor(touch, 'skipped', decision.reason, now)),
          );
          outcomes.push({ touchId: touch.touchId, status: 'skipped', reason: decision.reason });
          decided.push(() => countPolicyDecision('skipped', touch.channel, decision.reason));
        }
      }
      await this.publisher.sendMessages(messages);
      await this.touches.recordOutcomes(tx, outcomes, now);
      await this.touches.deferTouches(tx, deferrals);
      for (const report of decided) report();
      return due.length;
    });
  }
}
