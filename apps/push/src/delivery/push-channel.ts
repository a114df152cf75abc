import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { resumeLink, storeCartUrl, type TouchDue } from '@reclaim/contracts';
import { derivedId, errorMessage, parseRetryAfter } from '@reclaim/core';
import { endWith, proceed, type ChannelAdapter, type Step, type TouchOutcome } from '@reclaim/delivery';
import { PUSH_CONFIG, type PushConfig } from '../config';
import type { PushTransportName } from '../subscriptions/domain/push-subscription';
import { PushSubscriptionsRepository, type StoredSubscription } from '../subscriptions/push-subscriptions.repository';
import { PushCardsRepository } from '../withdrawal/push-cards.repository';
import {
  classifyFcmResponse,
  classifyHandoffFailure,
  classifyWebPushResponse,
  type PushOutcome,
} from './domain/push-outcome';
import { buildResumeCard } from './domain/resume-card';
import type { FcmClient } from './fcm.client';
import { HandoffFailure, type HttpsConnector, type HttpsSession, type PreparedRequest } from './https-session';
import { EndpointRefusedError, PushEndpointGuard } from './push-endpoint-guard';
import { parseJsonBody, pushTransports } from './push-transports';
import type { WebPushRequests } from './web-push.transport';

/** Neither web push (VAPID) nor FCM is configured. */
export const CHANNEL_NOT_CONFIGURED = 'channel_not_configured';
/** No subscription or token for the cart, nor for its customer's other carts. */
export const NO_PUSH_SUBSCRIPTION = 'no_push_subscription';
/** A web push endpoint the guard refused (`push_endpoint_refused:<why>`): the subscription is deleted. */
export const PUSH_ENDPOINT_REFUSED = 'push_endpoint_refused';

const addressOf = (s: StoredSubscription): string => (s.transport === 'web_push' ? s.endpoint : s.fcmToken);

/**
 * Push's part of the hand-off pipeline (libs/delivery): the cart's subscription (web push or FCM),
 * the resume card and its request (encrypted and VAPID-signed, or with an FCM access token), the
 * TLS connection (web push endpoints through the guard), and what the push service answered. A web
 * push endpoint is its subscriber's own: when it does not take a card for now, only that touch is
 * retried later (ADR 0006); FCM unavailable is everyone's outage.
 */
@Injectable()
export class PushChannel
  implements ChannelAdapter<StoredSubscription, PreparedRequest, HttpsSession>, OnApplicationShutdown
{
  readonly channel = 'push';
  readonly freshnessMs: number;
  private readonly logger = new Logger(PushChannel.name);
  private readonly connector: HttpsConnector;
  private readonly webPush: WebPushRequests | undefined;
  private readonly fcm: FcmClient | undefined;
  private readonly transports: PushTransportName[];

  constructor(
    @Inject(PUSH_CONFIG) private readonly config: PushConfig,
    private readonly subscriptions: PushSubscriptionsRepository,
    private readonly guard: PushEndpointGuard,
    private readonly cards: PushCardsRepository,
  ) {
    this.freshnessMs = config.PUSH_SEND_FRESHNESS_MS;
    ({
      connector: this.connector,
      webPush: this.webPush,
      fcm: this.fcm,
      names: this.transports,
    } = pushTransports(config));
  }

  async target(touch: TouchDue): Promise<Step<StoredSubscription>> {
    if (this.transports.length === 0) return endWith({ kind: 'skipped', reason: CHANNEL_NOT_CONFIGURED });
    const { storeId, cartId } = touch;
    const subscription = await this.subscriptions.findFor(storeId, cartId, touch.customer.id, this.transports);
    if (!subscription) {
      const other = await this.subscriptions.findFor(storeId, cartId, touch.customer.id, ['web_push', 'fcm']);
      const reason = other ? `transport_not_configured:${other.transport}` : NO_PUSH_SUBSCRIPTION;
      return endWith({ kind: 'skipped', reason });
    }
    if (subscription.transport === 'web_push') {
      const why = this.guard.problem(subscription.endpoint);
      if (why) return endWith(await this.refuse(touch, subscription.endpoint, why));
    }
    return proceed(subscription);
  }

  /**
   * The card's request, built before the check (encryption and VAPID for web push; the access
   * token for FCM). A subscription that cannot be encrypted to is deleted and the touch failed.
   */
  async prepare(touch: TouchDue, subscription: StoredSubscription): Promise<Step<PreparedRequest>> {
    const url = resumeLink(this.config.PUBLIC_BASE_URL, this.config.RESUME_LINK_SECRET, {
      storeId: touch.storeId,
      cartId: touch.cartId,
      touchId: touch.touchId,
      channel: 'push',
      cartUrl: storeCartUrl(this.config.STORE_CART_URL_TEMPLATE, touch.storeId, touch.cartId),
      now: new Date(),
      ttlMs: this.config.RESUME_LINK_TTL,
    });
    const card = buildResumeCard(touch, url);
    if (subscription.transport === 'web_push') {
      if (!this.webPush) throw new Error('web push is not configured');
      try {
        return proceed(this.webPush.build(subscription, card));
      } catch (error) {
        this.logger.warn({ msg: 'unusable web push subscription', touchId: touch.touchId, error: errorMessage(error) });
        await this.subscriptions.forget('web_push', subscription.endpoint, 'subscription_invalid');
        return endWith({ kind: 'rejected', reason: 'subscription_invalid' });
      }
    }
    if (!this.fcm) throw new Error('FCM is not configured');
    let accessToken: string;
    try {
      accessToken = await this.fcm.accessToken();
    } catch {
      return endWith({ kind: 'retry_later', scope: 'provider', reason: 'fcm_token_exchange_failed' });
    }
    return proceed(this.fcm.buildSend(subscription.fcmToken, card, accessToken));
  }

  /**
   * A connection ready for the request; a failure here is before anything was written. A web push
   * endpoint goes through the guard's lookup: one resolving to a non-public address is refused.
   */
  async open(touch: TouchDue, subscription: StoredSubscription, request: PreparedRequest): Promise<Step<HttpsSession>> {
    const policy = subscription.transport === 'web_push' ? this.guard.connectPolicy(request.url) : undefined;
    if (policy && 'refused' in policy)
      return endWith(await this.refuse(touch, addressOf(subscription), policy.refused.why));
    try {
      return proceed(await this.connector.open(request.url, policy?.lookup));
    } catch (error) {
      if (error instanceof HandoffFailure && error.cause instanceof EndpointRefusedError) {
        return endWith(await this.refuse(touch, addressOf(subscription), error.cause.why));
      }
      const reason = error instanceof HandoffFailure ? classifyHandoffFailure(error).reason : 'push_unreachable';
      return endWith({ kind: 'retry_later', scope: this.retryScope(subscription), reason });
    }
  }

  /** Before the check: an order it does not see finds this card and withdraws it (withdrawal/). */
  async beforeCheck(touch: TouchDue, subscription: StoredSubscription): Promise<void> {
    await this.cards.beginAttempt(touch, subscription);
  }

  sendingColumns(subscription: StoredSubscription): Record<string, string> {
    return { transport: subscription.transport };
  }

  async handOver(
    session: HttpsSession,
    touch: TouchDue,
    subscription: StoredSubscription,
    request: PreparedRequest,
  ): Promise<TouchOutcome> {
    let outcome: PushOutcome;
    try {
      const answer = await session.send(request);
      outcome =
        subscription.transport === 'web_push'
          ? classifyWebPushResponse(answer.status, answer.headers.location, derivedId('push', touch.touchId))
          : classifyFcmResponse(answer.status, parseJsonBody(answer.body));
      const retryAfterMs = parseRetryAfter(answer.headers['retry-after'], new Date());
      if (outcome.kind === 'retry' && retryAfterMs !== undefined) outcome = { ...outcome, retryAfterMs };
    } catch (error) {
      // Only a HandoffFailure says whether anything was written; anything else may have been.
      outcome =
        error instanceof HandoffFailure
          ? classifyHandoffFailure(error)
          : { kind: 'unknown', reason: `push_no_answer:${errorMessage(error).slice(0, 80)}` };
    }
    switch (outcome.kind) {
      case 'gone':
        return { kind: 'recipient_gone', reason: outcome.reason };
      case 'retry': {
        if (outcome.renewAccessToken) this.fcm?.forgetAccessToken();
        const { reason, retryAfterMs } = outcome;
        return {
          kind: 'retry_later',
          scope: this.retryScope(subscription),
          reason,
          ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
        };
      }
      default:
        return outcome;
    }
  }

  /** A gone subscription or token is deleted everywhere once the touch is recorded. */
  async afterOutcome(_touch: TouchDue, subscription: StoredSubscription, outcome: TouchOutcome): Promise<void> {
    if (outcome.kind === 'recipient_gone')
      await this.subscriptions.forget(subscription.transport, addressOf(subscription), outcome.reason);
  }

  release(session: HttpsSession, reusable: boolean): void {
    this.connector.release(session, reusable);
  }

  onApplicationShutdown(): void {
    this.connector.closeIdle();
  }

  async afterAttempt(touch: TouchDue): Promise<void> {
    await this.cards.endAttempt(touch.touchId);
  }

  /** A web push endpoint is this subscriber's own (retried from the ledger); FCM is everyone's. */
  private retryScope(subscription: StoredSubscription): 'recipient' | 'provider' {
    return subscription.transport === 'web_push' ? 'recipient' : 'provider';
  }

  /** The guard refused the endpoint: never contacted; the subscription is deleted and the touch failed. */
  private async refuse(touch: TouchDue, endpoint: string, why: string): Promise<TouchOutcome> {
    const reason = `${PUSH_ENDPOINT_REFUSED}:${why}`;
    this.logger.warn({ msg: 'push endpoint refused', touchId: touch.touchId, reason });
    await this.subscriptions.forget('web_push', endpoint, reason);
    return { kind: 'rejected', reason };
  }
}
