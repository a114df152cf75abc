import { Inject, Injectable } from '@nestjs/common';
import type { TouchDue } from '@reclaim/contracts';
import { resumeLink, storeCartUrl } from '@reclaim/contracts';
import {
  endWith,
  HandoffTooLateError,
  proceed,
  type ChannelAdapter,
  type Step,
  type TouchOutcome,
} from '@reclaim/delivery';
import { SMS_CONFIG, type SmsConfig } from '../config';
import { composeSms, type SmsContent } from '../content/domain/sms-content';
import {
  classifyProviderFailure,
  failureReason,
  recipientOptedOut,
  type ProviderFailureFacts,
} from '../provider/domain/provider-failure';
import type { SmsStore } from '../provider/domain/senders';
import { smsStop } from '../provider/domain/sms-stop';
import {
  SMS_PROVIDER,
  SmsProviderError,
  SmsWriteDeadlineMissedError,
  type SmsProvider,
  type SmsSession,
} from '../provider/sms-provider';
import { isRecipientDeferral } from './domain/recipient-deferral';

/** The honest answer when no provider (or no sender for the touch's store) is configured. */
export const CHANNEL_NOT_CONFIGURED = 'channel_not_configured';

export interface SmsTarget {
  store: SmsStore;
  phone: string;
}

/**
 * SMS's part of the hand-off pipeline (libs/delivery): the store's sender and the shopper's number,
 * the text within the segment limit, the Twilio-compatible provider session, and what the
 * provider's answer means for the touch. The provider has no idempotency key: a request written
 * without an answer is `unknown`, never resent.
 */
@Injectable()
export class SmsChannel implements ChannelAdapter<SmsTarget, SmsContent, SmsSession> {
  readonly channel = 'sms';
  readonly freshnessMs: number;

  constructor(
    @Inject(SMS_CONFIG) private readonly config: SmsConfig,
    @Inject(SMS_PROVIDER) private readonly provider: SmsProvider,
  ) {
    this.freshnessMs = config.SMS_SEND_FRESHNESS_MS;
  }

  target(touch: TouchDue): Promise<Step<SmsTarget>> {
    const store = this.config.SMS_STORES.get(touch.storeId);
    const configured = this.config.SMS_ACCOUNT_SID !== '' && this.config.SMS_AUTH_TOKEN !== '';
    if (!configured || !store) return Promise.resolve(endWith({ kind: 'skipped', reason: CHANNEL_NOT_CONFIGURED }));
    const phone = touch.customer.phone;
    if (!phone) return Promise.resolve(endWith({ kind: 'skipped', reason: 'no_phone_number' }));
    return Promise.resolve(proceed({ store, phone }));
  }

  prepare(touch: TouchDue, { store }: SmsTarget): Promise<Step<SmsContent>> {
    const content = composeSms({
      storeName: store.name,
      items: touch.cart.items,
      sequence: touch.sequence,
      maxSegments: this.config.SMS_MAX_SEGMENTS,
      resumeUrl: resumeLink(this.config.PUBLIC_BASE_URL, this.config.RESUME_LINK_SECRET, {
        storeId: touch.storeId,
        cartId: touch.cartId,
        touchId: touch.touchId,
        channel: 'sms',
        cartUrl: storeCartUrl(this.config.STORE_CART_URL_TEMPLATE, touch.storeId, touch.cartId),
        now: new Date(),
        ttlMs: this.config.RESUME_LINK_TTL,
      }),
    });
    return Promise.resolve(content ? proceed(content) : endWith({ kind: 'rejected', reason: 'message_too_long' }));
  }

  /** A provider connection ready for a request; a failure here is before any request. */
  async open(): Promise<Step<SmsSession>> {
    try {
      return proceed(await this.provider.open());
    } catch (error) {
      const reason = error instanceof SmsProviderError ? failureReason(error.facts) : 'network_error';
      return endWith({ kind: 'retry_later', scope: 'provider', reason });
    }
  }

  sendingColumns(_target: SmsTarget, content: SmsContent): Record<string, string | number> {
    return { segments: content.segments, encoding: content.encoding };
  }

  async handOver(
    session: SmsSession,
    touch: TouchDue,
    { store, phone }: SmsTarget,
    content: SmsContent,
    writeBy: number,
  ): Promise<TouchOutcome> {
    try {
      const accepted = await session.send(
        { to: phone, sender: store.sender, body: content.body, statusCallback: this.statusCallback(touch) },
        writeBy,
      );
      return { kind: 'sent', providerMessageId: accepted.sid, columns: { provider_status: accepted.status } };
    } catch (error) {
      if (error instanceof SmsWriteDeadlineMissedError) throw new HandoffTooLateError(error.message);
      const facts: ProviderFailureFacts =
        error instanceof SmsProviderError ? error.facts : { stage: 'after_write', networkCode: 'unexpected' };
      return this.outcomeOf(facts, touch, phone);
    }
  }

  release(session: SmsSession, reusable: boolean): void {
    this.provider.release(session, reusable);
  }

  private outcomeOf(facts: ProviderFailureFacts, touch: TouchDue, phone: string): TouchOutcome {
    const kind = classifyProviderFailure(facts);
    const reason = failureReason(facts);
    const retryAfter = facts.retryAfterMs === undefined ? {} : { retryAfterMs: facts.retryAfterMs };
    if (kind === 'transient')
      return {
        kind: 'retry_later',
        scope: isRecipientDeferral(facts) ? 'recipient' : 'provider',
        reason,
        ...retryAfter,
      };
    // The provider knows the recipient sent STOP to this sender: make it ours too, for every touch.
    if (recipientOptedOut(facts))
      return {
        kind: 'dead_address',
        reason,
        stop: smsStop(touch.storeId, phone, `provider:${touch.touchId}`, new Date()),
      };
    return kind === 'permanent' ? { kind: 'rejected', reason } : { kind: 'unknown', reason };
  }

  /** The status callback names the touch too, so a callback racing `markSent` still finds its row. */
  private statusCallback(touch: TouchDue): string | undefined {
    if (!this.config.SMS_PUBLIC_URL) return undefined;
    return `${this.config.SMS_PUBLIC_URL}/sms/status?touchId=${encodeURIComponent(touch.touchId)}`;
  }
}
