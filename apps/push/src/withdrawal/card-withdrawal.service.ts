import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Suppression } from '@reclaim/contracts';
import { AppError, derivedId, errorMessage, parseRetryAfter } from '@reclaim/core';
import { PUSH_CONFIG, type PushConfig } from '../config';
import { PushProviderUnavailableError } from '../delivery/domain/delivery-errors';
import {
  classifyFcmResponse,
  classifyHandoffFailure,
  classifyWebPushResponse,
  type PushOutcome,
} from '../delivery/domain/push-outcome';
import type { FcmClient } from '../delivery/fcm.client';
import { HandoffFailure, type HttpsConnector, type PreparedRequest } from '../delivery/https-session';
import { PushEndpointGuard } from '../delivery/push-endpoint-guard';
import { parseJsonBody, pushTransports } from '../delivery/push-transports';
import type { WebPushRequests } from '../delivery/web-push.transport';
import { PushSubscriptionsRepository } from '../subscriptions/push-subscriptions.repository';
import { orderWithdraws, withdrawalOf, withdrawalTtlMs } from './domain/card-withdrawal';
import { PushCardsRepository, withdrawalKeyOf, type PushCard, type WithdrawalKey } from './push-cards.repository';

/** A card the order covers is still being sent: the suppression is handled again once it has settled. */
export class CardInFlightError extends AppError {
  readonly code = 'PUSH_CARD_IN_FLIGHT';
  override readonly retriable = true;
}

/**
 * Withdraws the resume cards an order made pointless: for an `order_completed` suppression, every
 * card sent for a cart it covers (the cart's own scope, or the customer's / shopper's for carts last
 * touched at or before the order) gets one withdrawal per cart and device, with the card's topic /
 * collapse key. Only cards recorded `sent`; never twice (card_withdrawals), never resent after a
 * request was written without an answer.
 */
@Injectable()
export class CardWithdrawalService {
  private readonly logger = new Logger(CardWithdrawalService.name);
  private readonly connector: HttpsConnector;
  private readonly webPush: WebPushRequests | undefined;
  private readonly fcm: FcmClient | undefined;
  private readonly ttlMs: number;

  constructor(
    @Inject(PUSH_CONFIG) config: PushConfig,
    private readonly cards: PushCardsRepository,
    private readonly subscriptions: PushSubscriptionsRepository,
    private readonly guard: PushEndpointGuard,
  ) {
    ({ connector: this.connector, webPush: this.webPush, fcm: this.fcm } = pushTransports(config));
    this.ttlMs = withdrawalTtlMs(config.PUSH_TTL);
  }

  async onSuppression(s: Suppression): Promise<void> {
    if (s.reason !== 'order_completed') return;
    const covered = (await this.cards.foundBy(s.storeId, s.scope)).filter((c) => orderWithdraws(c.recipient, s));
    const done = new Set<string>();
    for (const card of covered) {
      if (card.inFlight || card.ledgerStatus !== 'sent') continue;
      const key = withdrawalKeyOf(card);
      const id = `${key.cartId}\u0000${key.transport}\u0000${key.address}`;
      if (done.has(id)) continue; // a cart's second card to the same device: one withdrawal closes both
      done.add(id);
      await this.withdraw(card, key, s.sourceEventId);
    }
    const waiting = covered.filter((c) => c.inFlight).map((c) => c.touchId);
    if (waiting.length > 0)
      throw new CardInFlightError(`order ${s.sourceEventId}: cards still being sent (${waiting.join(', ')})`);
  }

  private async withdraw(card: PushCard, key: WithdrawalKey, sourceEventId: string): Promise<void> {
    const device = card.device;
    if ((device.transport === 'web_push' && !this.webPush) || (device.transport === 'fcm' && !this.fcm)) {
      this.logger.warn({ msg: 'card not withdrawn: its transport is off', touchId: card.touchId });
      return;
    }
    if (await this.cards.isDead(key.address)) return; // the device is gone, and its card with it
    const refused = device.transport === 'web_push' ? this.guard.problem(device.endpoint) : undefined;
    if (refused) return;
    if (!(await this.cards.claimWithdrawal(key, sourceEventId))) return; // done already, or being done

    const request = await this.prepare(card, key);
    const policy = device.transport === 'web_push' ? this.guard.connectPolicy(request.url) : undefined;
    if (policy && 'refused' in policy) {
      await this.cards.finishWithdrawal(key, 'failed', `push_endpoint_refused:${policy.refused.why}`);
      return;
    }
    let outcome: PushOutcome;
    try {
      const session = await this.connector.open(request.url, policy?.lookup);
      try {
        const answer = await session.send(request);
        outcome =
          device.transport === 'web_push'
            ? classifyWebPushResponse(
                answer.status,
                answer.headers.location,
                derivedId('push-withdrawal', card.touchId),
              )
            : classifyFcmResponse(answer.status, parseJsonBody(answer.body));
        const retryAfterMs = parseRetryAfter(answer.headers['retry-after'], new Date());
        if (outcome.kind === 'retry' && retryAfterMs !== undefined) outcome = { ...outcome, retryAfterMs };
      } finally {
        session.close();
      }
    } catch (error) {
      outcome =
        error instanceof HandoffFailure
          ? classifyHandoffFailure(error)
          : { kind: 'unknown', reason: `push_no_answer:${errorMessage(error).slice(0, 80)}` };
    }
    this.logger.log({
      msg: 'card withdrawal',
      cartId: card.cartId,
      transport: device.transport,
      outcome: outcome.kind,
    });
    switch (outcome.kind) {
      case 'sent':
        return this.cards.finishWithdrawal(key, 'sent', undefined, outcome.providerMessageId);
      case 'gone':
        await this.cards.finishWithdrawal(key, 'failed', outcome.reason);
        await this.subscriptions.forget(device.transport, key.address, outcome.reason);
        return;
      case 'rejected':
        return this.cards.finishWithdrawal(key, 'failed', outcome.reason);
      case 'unknown':
        return this.cards.finishWithdrawal(key, 'unknown', outcome.reason);
      case 'retry':
        if (outcome.renewAccessToken) this.fcm?.forgetAccessToken();
        await this.cards.finishWithdrawal(key, 'pending', outcome.reason);
        throw new PushProviderUnavailableError(`card withdrawal for ${card.cartId} not taken: ${outcome.reason}`, {
          retryAfterMs: outcome.retryAfterMs,
        });
    }
  }

  /** The withdrawal request; a failed token exchange releases the claim for a retry. */
  private async prepare(card: PushCard, key: WithdrawalKey): Promise<PreparedRequest> {
    const withdrawal = withdrawalOf(card);
    const device = card.device;
    try {
      if (device.transport === 'web_push') {
        if (!this.webPush) throw new Error('web push is not configured');
        return this.webPush.message(device, withdrawal, card.tag, this.ttlMs);
      }
      if (!this.fcm) throw new Error('FCM is not configured');
      return this.fcm.buildWithdrawal(device.fcmToken, withdrawal, await this.fcm.accessToken(), this.ttlMs);
    } catch (error) {
      await this.cards.finishWithdrawal(key, 'pending', 'not_prepared');
      throw error;
    }
  }
}
