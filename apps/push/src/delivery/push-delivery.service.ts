import { Inject, Injectable, Logger } from '@nestjs/common';
import { resumeLink, storeCartUrl, type TouchDue } from '@reclaim/contracts';
import { derivedId, errorMessage, parseRetryAfter } from '@reclaim/core';
import {
  attemptPolicyOf,
  DeliveryReporter,
  LedgerAttempts,
  SendLedgerRepository,
  SuppressionCheckStaleError,
  type AttemptSource,
  type LedgerDelivery,
} from '@reclaim/delivery';
import { EventPublisher } from '@reclaim/kafka';
import { recipientOf, SuppressionView } from '@reclaim/suppression';
import { PUSH_CONFIG, type PushConfig } from '../config';
import type { PushTransportName } from '../subscriptions/domain/push-subscription';
import { PushSubscriptionsRepository, type StoredSubscription } from '../subscriptions/push-subscriptions.repository';
import { PushCardsRepository } from '../withdrawal/push-cards.repository';
import { PushProviderUnavailableError } from './domain/delivery-errors';
import {
  classifyFcmResponse,
  classifyHandoffFailure,
  classifyWebPushResponse,
  type PushOutcome,
} from './domain/push-outcome';
import { buildResumeCard, type ResumeCard } from './domain/resume-card';
import { FcmClient } from './fcm.client';
import { HandoffFailure, HttpsConnector, type HttpsSession, type PreparedRequest } from './https-session';
import { EndpointRefusedError, PushEndpointGuard } from './push-endpoint-guard';
import { WebPushRequests } from './web-push.transport';

/** Neither web push (VAPID) nor FCM is configured. */
export const CHANNEL_NOT_CONFIGURED = 'channel_not_configured';
/** No subscription or token for the cart, nor for its customer's other carts. */
export const NO_PUSH_SUBSCRIPTION = 'no_push_subscription';

/** A web push endpoint the guard refused (`push_endpoint_refused:<why>`): the subscription is deleted. */
export const PUSH_ENDPOINT_REFUSED = 'push_endpoint_refused';

/** How many times a send checks suppressions in a row to get a verdict within the freshness bound. */
const FRESH_CHECK_ROUNDS = 3;

const addressOf = (s: StoredSubscription): string => (s.transport === 'web_push' ? s.endpoint : s.fcmToken);

const parseJson = (body: Buffer): unknown => {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
};

/**
 * One due push touch, end to end, like email (ADR 0005): claim the ledger row, find the cart's
 * push address, build the resume card and its request, open the TLS connection, pass the
 * suppression barrier within the freshness bound, write the request, record what the push service
 * said, publish the delivery. Redelivery never sends twice; a touch whose previous attempt died
 * between writing the request and recording the answer is reported `unknown`, never resent.
 * Deadline, attempts and quiet hours are checked before the push service is contacted; a web push
 * endpoint that does not take the card for now is retried later from the send ledger (ADR 0006).
 */
@Injectable()
export class PushDeliveryService implements LedgerDelivery {
  private readonly logger = new Logger(PushDeliveryService.name);
  private readonly reports: DeliveryReporter;
  readonly attempts: LedgerAttempts;
  private readonly connector: HttpsConnector;
  private readonly webPush: WebPushRequests | undefined;
  private readonly fcm: FcmClient | undefined;
  private readonly transports: PushTransportName[];

  constructor(
    @Inject(PUSH_CONFIG) private readonly config: PushConfig,
    private readonly ledger: SendLedgerRepository,
    private readonly subscriptions: PushSubscriptionsRepository,
    @Inject(SuppressionView) private readonly suppressions: SuppressionView,
    @Inject(EventPublisher) private readonly publisher: EventPublisher,
    private readonly guard: PushEndpointGuard,
    private readonly cards: PushCardsRepository,
  ) {
    this.reports = new DeliveryReporter('push', ledger, publisher, this.logger);
    this.attempts = new LedgerAttempts(
      ledger,
      this.reports,
      attemptPolicyOf(config, config.PUSH_QUIET_HOURS),
      config.STORE_TIMEZONE,
      this.logger,
    );
    this.connector = new HttpsConnector(config.PUSH_EXTRA_CA_FILE, config.PUSH_REQUEST_TIMEOUT_MS);
    this.webPush = config.webPush && new WebPushRequests(config.webPush, config.PUSH_TTL);
    this.fcm = config.fcm && new FcmClient(config.fcm, config.FCM_API_BASE_URL, this.connector, config.PUSH_TTL);
    this.transports = [...(this.webPush ? ['web_push' as const] : []), ...(this.fcm ? ['fcm' as const] : [])];
  }

  async deliver(touch: TouchDue, source: AttemptSource = 'topic'): Promise<void> {
    if (!(await this.attempts.claim(touch, source))) return;

    if (this.transports.length === 0) {
      // Nothing can go out; still say when the cart was stopped anyway.
      const verdict = await this.checkSuppressions(touch);
      return this.reports.finish(
        touch,
        'skipped',
        verdict.suppressed ? `suppressed:${verdict.reason}` : CHANNEL_NOT_CONFIGURED,
      );
    }
    const subscription = await this.subscriptions.findFor(
      touch.storeId,
      touch.cartId,
      touch.customer.id,
      this.transports,
    );
    if (!subscription) {
      const other = await this.subscriptions.findFor(touch.storeId, touch.cartId, touch.customer.id, [
        'web_push',
        'fcm',
      ]);
      return this.reports.finish(
        touch,
        'skipped',
        other ? `transport_not_configured:${other.transport}` : NO_PUSH_SUBSCRIPTION,
      );
    }

    if (subscription.transport === 'web_push') {
      const why = this.guard.problem(subscription.endpoint);
      if (why) return this.refuse(touch, subscription.endpoint, why);
    }
    // Deadline, attempts and quiet hours on the recipient's clock, before the push service is contacted.
    if (!(await this.attempts.mayAttempt(touch))) return;
    const card = this.card(touch);
    const request = await this.prepare(touch, subscription, card);
    if (!request) return;
    // Connect and TLS come first: after the last suppression check only writing the request is
    // left, so the freshness bound covers the hand-off itself (ADR 0005).
    const session = await this.open(touch, request.url, subscription);
    if (!session) return;
    try {
      // Before the check: an order it does not see finds this card and withdraws it (withdrawal/).
      await this.cards.beginAttempt(touch, subscription);
      const { verdict, clearedAt } = await this.freshCheck(touch);
      if (verdict.suppressed) {
        await this.reports.finish(touch, 'skipped', `suppressed:${verdict.reason}`);
        return;
      }
      if (!(await this.ledger.startSending(touch.touchId, { transport: subscription.transport }))) return; // another delivery got there first
      const sinceCheck = Date.now() - clearedAt;
      if (sinceCheck > this.config.PUSH_SEND_FRESHNESS_MS) {
        await this.ledger.releaseForRetry(touch.touchId, 'suppression_check_stale');
        throw new SuppressionCheckStaleError(
          `touch ${touch.touchId}: ${sinceCheck} ms since its suppression check; checking again`,
        );
      }
      await this.handOver(touch, subscription, session, request);
    } finally {
      session.close();
      await this.cards.endAttempt(touch.touchId);
    }
  }

  private card(touch: TouchDue): ResumeCard {
    const url = resumeLink(this.config.PUBLIC_BASE_URL, this.config.RESUME_LINK_SECRET, {
      storeId: touch.storeId,
      cartId: touch.cartId,
      touchId: touch.touchId,
      channel: 'push',
      cartUrl: storeCartUrl(this.config.STORE_CART_URL_TEMPLATE, touch.storeId, touch.cartId),
      now: new Date(),
      ttlMs: this.config.RESUME_LINK_TTL,
    });
    return buildResumeCard(touch, url);
  }

  /**
   * The request for the card, built before the check (encryption and VAPID for web push; the
   * access token for FCM). Undefined when the subscription itself is unusable: it is then deleted
   * and the touch recorded `failed`.
   */
  private async prepare(
    touch: TouchDue,
    subscription: StoredSubscription,
    card: ResumeCard,
  ): Promise<PreparedRequest | undefined> {
    if (subscription.transport === 'web_push') {
      if (!this.webPush) throw new Error('web push is not configured');
      try {
        return this.webPush.build(subscription, card);
      } catch (error) {
        this.logger.warn({ msg: 'unusable web push subscription', touchId: touch.touchId, error: errorMessage(error) });
        await this.subscriptions.forget('web_push', subscription.endpoint, 'subscription_invalid');
        await this.reports.finish(touch, 'failed', 'subscription_invalid');
        return undefined;
      }
    }
    if (!this.fcm) throw new Error('FCM is not configured');
    let accessToken: string;
    try {
      accessToken = await this.fcm.accessToken();
    } catch (error) {
      await this.ledger.recordFailedAttempt(touch.touchId, 'fcm_token_exchange_failed');
      throw error;
    }
    return this.fcm.buildSend(subscription.fcmToken, card, accessToken);
  }

  /**
   * A connection ready for the request; a failure here is before anything was written, so the
   * touch is retried. A web push endpoint goes through the guard's lookup: one resolving to a
   * non-public address is refused (undefined), its subscription deleted and the touch failed.
   */
  private async open(touch: TouchDue, url: URL, subscription: StoredSubscription): Promise<HttpsSession | undefined> {
    const policy = subscription.transport === 'web_push' ? this.guard.connectPolicy(url) : undefined;
    if (policy && 'refused' in policy) {
      await this.refuse(touch, addressOf(subscription), policy.refused.why);
      return undefined;
    }
    try {
      return await this.connector.open(url, policy?.lookup);
    } catch (error) {
      if (error instanceof HandoffFailure && error.cause instanceof EndpointRefusedError) {
        this.logger.warn({
          msg: 'push endpoint resolved to a refused address',
          touchId: touch.touchId,
          error: error.cause.message,
        });
        await this.refuse(touch, addressOf(subscription), error.cause.why);
        return undefined;
      }
      const reason = error instanceof HandoffFailure ? classifyHandoffFailure(error).reason : 'push_unreachable';
      // A web push endpoint is this subscriber's own: retried from the ledger, the partition moves on.
      if (subscription.transport === 'web_push') {
        await this.attempts.retryLater(touch, reason);
        return undefined;
      }
      await this.ledger.recordFailedAttempt(touch.touchId, reason);
      throw new PushProviderUnavailableError(
        `push service unreachable for touch ${touch.touchId}: ${errorMessage(error)}`,
        {
          cause: error,
        },
      );
    }
  }

  /** The guard refused the endpoint: never contacted; the subscription is deleted and the touch failed. */
  private async refuse(touch: TouchDue, endpoint: string, why: string): Promise<void> {
    const reason = `${PUSH_ENDPOINT_REFUSED}:${why}`;
    this.logger.warn({ msg: 'push endpoint refused', touchId: touch.touchId, reason });
    await this.subscriptions.forget('web_push', endpoint, reason);
    await this.reports.finish(touch, 'failed', reason);
  }

  /**
   * The suppression check, repeated while it took longer than the freshness bound; `clearedAt`
   * is taken before the watermark read of the verdict returned.
   */
  private async freshCheck(touch: TouchDue) {
    for (let round = 1; ; round++) {
      const clearedAt = Date.now();
      const verdict = await this.checkSuppressions(touch);
      const fresh = Date.now() - clearedAt <= this.config.PUSH_SEND_FRESHNESS_MS;
      if (verdict.suppressed || fresh || round >= FRESH_CHECK_ROUNDS) return { verdict, clearedAt };
    }
  }

  private async checkSuppressions(touch: TouchDue) {
    await this.suppressions.catchUp();
    return this.suppressions.isSuppressed(recipientOf(touch));
  }

  /** The row is `sending`: write the request and record what the push service said. */
  private async handOver(
    touch: TouchDue,
    subscription: StoredSubscription,
    session: HttpsSession,
    request: PreparedRequest,
  ): Promise<void> {
    let outcome: PushOutcome;
    try {
      const answer = await session.send(request);
      outcome =
        subscription.transport === 'web_push'
          ? classifyWebPushResponse(answer.status, answer.headers.location, derivedId('push', touch.touchId))
          : classifyFcmResponse(answer.status, parseJson(answer.body));
      const retryAfterMs = parseRetryAfter(answer.headers['retry-after'], new Date());
      if (outcome.kind === 'retry' && retryAfterMs !== undefined) outcome = { ...outcome, retryAfterMs };
    } catch (error) {
      // Only a HandoffFailure says whether anything was written; anything else may have been.
      outcome =
        error instanceof HandoffFailure
          ? classifyHandoffFailure(error)
          : { kind: 'unknown', reason: `push_no_answer:${errorMessage(error).slice(0, 80)}` };
    }
    this.logger.log({
      msg: 'push hand-off',
      touchId: touch.touchId,
      transport: subscription.transport,
      outcome: outcome.kind,
    });
    switch (outcome.kind) {
      case 'sent':
        await this.ledger.markSent(touch.touchId, outcome.providerMessageId);
        break;
      case 'gone':
        await this.ledger.markFailed(touch.touchId, outcome.reason);
        await this.subscriptions.forget(subscription.transport, addressOf(subscription), outcome.reason);
        break;
      case 'rejected':
        await this.ledger.markFailed(touch.touchId, outcome.reason);
        break;
      case 'unknown':
        await this.ledger.markUnknown(touch.touchId, outcome.reason);
        break;
      case 'retry':
        // A web push endpoint (429, 5xx) is this subscriber's own: retried later from the ledger.
        if (subscription.transport === 'web_push')
          return this.attempts.retryLater(touch, outcome.reason, outcome.retryAfterMs);
        if (outcome.renewAccessToken) this.fcm?.forgetAccessToken();
        await this.ledger.releaseForRetry(touch.touchId, outcome.reason);
        throw new PushProviderUnavailableError(`push service did not take touch ${touch.touchId}: ${outcome.reason}`, {
          retryAfterMs: outcome.retryAfterMs,
        });
    }
    return this.reports.reportCurrent(touch);
  }
}
