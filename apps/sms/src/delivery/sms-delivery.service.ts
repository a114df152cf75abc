import { Inject, Injectable, Logger } from '@nestjs/common';
import { Contracts, resumeLink, storeCartUrl, type TouchDue } from '@reclaim/contracts';
import { errorMessage } from '@reclaim/core';
import {
  attemptPolicyOf,
  DeliveryReporter,
  LedgerAttempts,
  SuppressionCheckStaleError,
  type AttemptSource,
  type LedgerDelivery,
} from '@reclaim/delivery';
import { EventPublisher } from '@reclaim/kafka';
import { recipientOf, SuppressionView } from '@reclaim/suppression';
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
import { SmsProviderUnavailableError } from './domain/delivery-errors';
import { isRecipientDeferral } from './domain/recipient-deferral';
import { SmsSendLedgerRepository } from './send-ledger.repository';

/** The honest answer when no provider (or no sender for the touch's store) is configured. */
export const CHANNEL_NOT_CONFIGURED = 'channel_not_configured';

/** How many times a send checks suppressions in a row to get a verdict within the freshness bound. */
const FRESH_CHECK_ROUNDS = 3;

/**
 * One due SMS touch, end to end, as the email service does it: claim the ledger row, pass the
 * suppression barrier, compose within the segment limit, open the provider connection, check
 * suppressions once more (fresh), write the request within the freshness bound, record, publish
 * the delivery. Redelivery never sends twice; a touch whose attempt died (or lost the answer)
 * after the request was written is reported `unknown` and never resent — the provider has no
 * idempotency key. The touch's deadline, attempts and the recipient's quiet hours are checked
 * before the provider is contacted; a refusal of this one message for now is retried later from
 * the send ledger (ADR 0006).
 */
@Injectable()
export class SmsDeliveryService implements LedgerDelivery {
  private readonly logger = new Logger(SmsDeliveryService.name);
  private readonly reports: DeliveryReporter;
  readonly attempts: LedgerAttempts;

  constructor(
    @Inject(SMS_CONFIG) private readonly config: SmsConfig,
    private readonly ledger: SmsSendLedgerRepository,
    @Inject(SMS_PROVIDER) private readonly provider: SmsProvider,
    @Inject(SuppressionView) private readonly suppressions: SuppressionView,
    @Inject(EventPublisher) private readonly publisher: EventPublisher,
  ) {
    this.reports = new DeliveryReporter('sms', ledger, publisher, this.logger);
    this.attempts = new LedgerAttempts(
      ledger,
      this.reports,
      attemptPolicyOf(config, config.SMS_QUIET_HOURS),
      config.STORE_TIMEZONE,
      this.logger,
    );
  }

  async deliver(touch: TouchDue, source: AttemptSource = 'topic'): Promise<void> {
    if (!(await this.attempts.claim(touch, source))) return;

    // A suppressed touch says so whatever the configuration; it never costs a connection.
    const early = await this.checkSuppressions(touch);
    if (early.suppressed) return this.reports.finish(touch, 'skipped', `suppressed:${early.reason}`);
    const store = this.config.SMS_STORES.get(touch.storeId);
    if (!this.providerConfigured() || !store) return this.reports.finish(touch, 'skipped', CHANNEL_NOT_CONFIGURED);
    const phone = touch.customer.phone;
    if (!phone) return this.reports.finish(touch, 'skipped', 'no_phone_number');

    const content = this.compose(touch, store);
    if (!content) return this.reports.finish(touch, 'failed', 'message_too_long');
    // Deadline, attempts and quiet hours on the recipient's clock, before the provider is contacted.
    if (!(await this.attempts.mayAttempt(touch))) return;

    // The connection is up before the last check, so only writing the request follows it (ADR 0005).
    const session = await this.openProvider(touch);
    try {
      const { verdict, clearedAt } = await this.freshCheck(touch);
      if (verdict.suppressed) {
        await this.reports.finish(touch, 'skipped', `suppressed:${verdict.reason}`);
        return;
      }
      if (!(await this.ledger.startSending(touch.touchId, { segments: content.segments, encoding: content.encoding })))
        return; // another delivery got there first
      await this.handOver(touch, store, phone, content, session, clearedAt + this.config.SMS_SEND_FRESHNESS_MS);
    } finally {
      session.close();
    }
  }

  private providerConfigured(): boolean {
    return this.config.SMS_ACCOUNT_SID !== '' && this.config.SMS_AUTH_TOKEN !== '';
  }

  private compose(touch: TouchDue, store: SmsStore): SmsContent | undefined {
    const cartUrl = storeCartUrl(this.config.STORE_CART_URL_TEMPLATE, touch.storeId, touch.cartId);
    return composeSms({
      storeName: store.name,
      items: touch.cart.items,
      sequence: touch.sequence,
      maxSegments: this.config.SMS_MAX_SEGMENTS,
      resumeUrl: resumeLink(this.config.PUBLIC_BASE_URL, this.config.RESUME_LINK_SECRET, {
        storeId: touch.storeId,
        cartId: touch.cartId,
        touchId: touch.touchId,
        channel: 'sms',
        cartUrl,
        now: new Date(),
        ttlMs: this.config.RESUME_LINK_TTL,
      }),
    });
  }

  /**
   * The suppression check, repeated while it took longer than the freshness bound (waiting for the
   * view to reach one watermark usually brings it close to the next). `clearedAt` is taken before
   * the watermark read of the verdict returned.
   */
  private async freshCheck(touch: TouchDue) {
    for (let round = 1; ; round++) {
      const clearedAt = Date.now();
      const verdict = await this.checkSuppressions(touch);
      const fresh = Date.now() - clearedAt <= this.config.SMS_SEND_FRESHNESS_MS;
      if (verdict.suppressed || fresh || round >= FRESH_CHECK_ROUNDS) return { verdict, clearedAt };
    }
  }

  /** The row is `sending`: write the request (by `writeBy` at the latest) and record what the provider said. */
  private async handOver(
    touch: TouchDue,
    store: SmsStore,
    phone: string,
    content: SmsContent,
    session: SmsSession,
    writeBy: number,
  ): Promise<void> {
    let accepted: { sid: string; status: string };
    try {
      accepted = await session.send(
        { to: phone, sender: store.sender, body: content.body, statusCallback: this.statusCallback(touch) },
        writeBy,
      );
    } catch (error) {
      if (error instanceof SmsWriteDeadlineMissedError) {
        await this.ledger.releaseForRetry(touch.touchId, 'suppression_check_stale');
        throw new SuppressionCheckStaleError(`touch ${touch.touchId}: ${error.message}; checking again`);
      }
      const facts: ProviderFailureFacts =
        error instanceof SmsProviderError ? error.facts : { stage: 'after_write', networkCode: 'unexpected' };
      const kind = classifyProviderFailure(facts);
      const reason = failureReason(facts);
      if (kind === 'transient' && isRecipientDeferral(facts)) {
        return this.attempts.retryLater(touch, reason, facts.retryAfterMs);
      }
      if (kind === 'transient') {
        await this.ledger.releaseForRetry(touch.touchId, reason);
        throw new SmsProviderUnavailableError(`provider did not take touch ${touch.touchId}: ${errorMessage(error)}`, {
          cause: error,
          retryAfterMs: facts.retryAfterMs,
        });
      }
      this.logger.warn({ msg: 'SMS send failed', touchId: touch.touchId, kind, reason, error: errorMessage(error) });
      // The provider knows the recipient sent STOP to this sender: make it ours too, for every touch.
      // Published before the row is settled, so a crash in between republishes it (same id).
      if (recipientOptedOut(facts)) await this.publishStop(touch.storeId, phone, `provider:${touch.touchId}`);
      if (kind === 'permanent') await this.ledger.markFailed(touch.touchId, reason);
      else await this.ledger.markUnknown(touch.touchId, reason);
      return this.reports.reportCurrent(touch);
    }
    await this.ledger.markSent(touch.touchId, accepted.sid, { provider_status: accepted.status });
    return this.reports.reportCurrent(touch);
  }

  /** The status callback names the touch too, so a callback racing `markSent` still finds its row. */
  private statusCallback(touch: TouchDue): string | undefined {
    if (!this.config.SMS_PUBLIC_URL) return undefined;
    return `${this.config.SMS_PUBLIC_URL}/sms/status?touchId=${encodeURIComponent(touch.touchId)}`;
  }

  /** A provider connection ready for a request; a failure here is before any request, so the touch is retried. */
  private async openProvider(touch: TouchDue): Promise<SmsSession> {
    try {
      return await this.provider.open();
    } catch (error) {
      const reason = error instanceof SmsProviderError ? failureReason(error.facts) : 'network_error';
      await this.ledger.recordFailedAttempt(touch.touchId, reason);
      throw new SmsProviderUnavailableError(`provider unreachable for touch ${touch.touchId}: ${errorMessage(error)}`, {
        cause: error,
      });
    }
  }

  private async publishStop(storeId: string, phone: string, source: string): Promise<void> {
    await this.publisher.publish(Contracts.suppression, [smsStop(storeId, phone, source, new Date())]);
  }

  private async checkSuppressions(touch: TouchDue) {
    await this.suppressions.catchUp();
    return this.suppressions.isSuppressed(recipientOf(touch));
  }
}
