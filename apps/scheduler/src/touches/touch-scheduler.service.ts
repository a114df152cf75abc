import { Inject, Injectable } from '@nestjs/common';
import { Contracts, touchContractFor, type Abandonment, type Delivery, type Suppression } from '@reclaim/contracts';
import { TimeScale, type Clock } from '@reclaim/core';
import { EventPublisher, type OutgoingMessage } from '@reclaim/kafka';
import { claimInbox } from '@reclaim/persistence';
import { CLOCK } from '../clock';
import { candidateScopes, suppressionFor, touchesCancelledBy } from './domain/suppression-rules';
import { abandonmentScopes, deliveryFor, planTimers } from './domain/touch-plan';
import { TouchesRepository, type TouchOutcome } from './touches.repository';

/**
 * Every effect follows one pattern: change the timers inside a Postgres transaction, publish
 * what the change means (deliveries, due touches) while the rows are still locked, and commit
 * only after Kafka acknowledged. A crash in between rolls the rows back and the work is redone
 * with the same derived ids, so nothing is lost and duplicates carry the same id.
 */
@Injectable()
export class TouchSchedulerService {
  constructor(
    private readonly touches: TouchesRepository,
    private readonly publisher: EventPublisher,
    private readonly scale: TimeScale,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Creates the timers for an abandonment; hold-outs are recorded and get none. */
  async schedule(eventId: string, abandonment: Abandonment): Promise<void> {
    await this.touches.transaction(async (tx) => {
      if (!(await claimInbox(tx, 'abandonments', eventId))) return;
      if (!(await this.touches.recordAbandonment(tx, abandonment))) return;
      if (abandonment.holdout) return;
      const suppressions = await this.touches.findSuppressions(tx, abandonmentScopes(abandonment));
      const timers = planTimers(abandonment, (ms) => this.scale.ms(ms), suppressions);
      const inserted = await this.touches.insertTimers(tx, timers);
      const now = this.clock.now();
      const deliveries: Delivery[] = inserted.flatMap((t) =>
        t.status === 'cancelled' || t.status === 'skipped'
          ? [deliveryFor(t, t.status, t.reason ?? 'unknown', now)]
          : [],
      );
      await this.publisher.publish(Contracts.delivery, deliveries);
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
   * Claims due touches (scheduled → dispatched) unless a suppression stops them (→ cancelled),
   * publishes them on their channel's topic, and commits after the acknowledgement.
   * Returns how many touches it settled.
   */
  async dispatchDue(limit: number): Promise<number> {
    const now = this.clock.now();
    return this.touches.transaction(async (tx) => {
      const due = await this.touches.lockDue(tx, now, limit);
      if (due.length === 0) return 0;
      const suppressions = await this.touches.findSuppressions(tx, [...new Set(due.flatMap(candidateScopes))]);
      const messages: OutgoingMessage[] = [];
      const outcomes: TouchOutcome[] = [];
      for (const touch of due) {
        const suppression = suppressionFor(touch, suppressions);
        if (suppression) {
          messages.push(
            this.publisher.message(Contracts.delivery, deliveryFor(touch, 'cancelled', suppression.reason, now)),
          );
          outcomes.push({ touchId: touch.touchId, status: 'cancelled', reason: suppression.reason });
        } else {
          messages.push(this.publisher.message(touchContractFor[touch.channel], touch.payload));
          outcomes.push({ touchId: touch.touchId, status: 'dispatched', reason: null });
        }
      }
      await this.publisher.sendMessages(messages);
      await this.touches.recordOutcomes(tx, outcomes);
      return due.length;
    });
  }
}
