import { Inject, Injectable, Logger } from '@nestjs/common';
import { Contracts, parseFormStrict, SuppressionScopes } from '@reclaim/contracts';
import { deliveryAfterHandOff } from '@reclaim/delivery';
import { EventPublisher } from '@reclaim/kafka';
import { SMS_CONFIG, type SmsConfig } from '../config';
import { SmsSendLedgerRepository } from '../delivery/send-ledger.repository';
import { TWILIO_UNSUBSCRIBED_RECIPIENT } from '../provider/domain/provider-failure';
import { storeForInbound } from '../provider/domain/senders';
import { smsStop } from '../provider/domain/sms-stop';
import { verifyTwilioSignature } from '../provider/domain/twilio-signature';
import { parseKeyword } from './domain/keywords';
import { webhookParamProblems, type ParamProblem } from './domain/webhook-params';
import { helpReply, startReply, stopReply, twiml } from './domain/twiml';
import { WebhookEventsRepository } from './webhook-events.repository';

export type Verification =
  | { ok: true; params: URLSearchParams }
  | { ok: false; why: 'not_configured' | 'invalid' }
  | { ok: false; why: 'unreadable'; problems: ParamProblem[] };

/**
 * The provider's webhooks: inbound messages (STOP/START/HELP) and status callbacks. Both are
 * verified on the raw body (`X-Twilio-Signature`) and deduplicated by the provider's ids; effects
 * go to Kafka before the event is marked handled, so a redelivery after a crash repeats them
 * (harmless: same scope, same derived ids) instead of losing them.
 */
@Injectable()
export class WebhooksService {
  private readonly logger = new Logger(WebhooksService.name);

  constructor(
    @Inject(SMS_CONFIG) private readonly config: SmsConfig,
    @Inject(EventPublisher) private readonly publisher: EventPublisher,
    private readonly events: WebhookEventsRepository,
    private readonly ledger: SmsSendLedgerRepository,
  ) {}

  /**
   * Reads the form body strictly (UTF-8, no U+0000 or control characters in ids and numbers: a
   * body that breaks these is refused for good, never retried into a poison record), then checks
   * the signature over `{SMS_PUBLIC_URL}{path and query}` and the form parameters.
   */
  verify(pathAndQuery: string, rawBody: Buffer | undefined, signature: string | undefined): Verification {
    if (!this.config.SMS_PUBLIC_URL || !this.config.SMS_AUTH_TOKEN) return { ok: false, why: 'not_configured' };
    const form = parseFormStrict(rawBody ?? Buffer.alloc(0));
    if (!form.ok) return { ok: false, why: 'unreadable', problems: [{ path: '', message: form.why }] };
    const url = `${this.config.SMS_PUBLIC_URL}${pathAndQuery}`;
    if (!verifyTwilioSignature(this.config.SMS_AUTH_TOKEN, url, form.params, signature)) {
      return { ok: false, why: 'invalid' };
    }
    const problems = webhookParamProblems(form.params);
    return problems.length > 0 ? { ok: false, why: 'unreadable', problems } : { ok: true, params: form.params };
  }

  /**
   * An inbound message: STOP suppresses the number for the sender's store, START lifts that, HELP
   * answers. Returns TwiML; a message already handled (a replay) gets an empty answer.
   */
  async inbound(params: URLSearchParams): Promise<string> {
    const sid = params.get('MessageSid') ?? params.get('SmsSid');
    const from = params.get('From');
    if (!sid || !from) return twiml();
    const store = storeForInbound(this.config.SMS_STORES, {
      to: params.get('To') ?? undefined,
      messagingServiceSid: params.get('MessagingServiceSid') ?? undefined,
    });
    if (!store) {
      this.logger.warn({ msg: 'inbound SMS to a sender no store uses', sid });
      return twiml();
    }
    const intent = parseKeyword(params.get('Body') ?? '');
    const eventId = `inbound:${sid}`;
    // A replay (same MessageSid, already handled) changes nothing and gets no reply: one confirmation at most.
    if (await this.events.seen(eventId)) return twiml();
    const scope = SuppressionScopes.sms(store.storeId, from);
    if (intent === 'stop') await this.publishStop(store.storeId, from, `inbound:${sid}`);
    if (intent === 'start')
      await this.publisher.sendMessages([this.publisher.tombstone(Contracts.suppression.topic, scope)]);
    await this.events.markHandled(eventId, 'inbound');
    if (intent !== 'other') this.logger.log({ msg: 'inbound keyword', intent, storeId: store.storeId, sid });
    if (intent === 'stop') return twiml(stopReply(store.name));
    if (intent === 'start') return twiml(startReply(store.name));
    if (intent === 'help') return twiml(helpReply(store.name));
    return twiml();
  }

  /**
   * A status callback: `undelivered` becomes a `bounced` delivery and `failed` a `failed` one for
   * the touch whose ledger row holds the message SID (or that the callback URL names, when the
   * callback outran the ledger); `delivered` and the rest are recorded on the row only.
   */
  async status(params: URLSearchParams, touchId: string | undefined): Promise<void> {
    const sid = params.get('MessageSid') ?? params.get('SmsSid');
    const status = params.get('MessageStatus') ?? params.get('SmsStatus');
    if (!sid || !status) return;
    const eventId = `status:${sid}:${status}`;
    if (await this.events.seen(eventId)) return;
    const row =
      (await this.ledger.findByProviderMessageId(sid)) ??
      (touchId ? await this.ledger.find(touchId).then((r) => (r && !r.providerMessageId ? r : undefined)) : undefined);
    if (!row) {
      this.logger.warn({ msg: 'status callback for a message we do not know', sid, status });
      return;
    }
    const errorCode = params.get('ErrorCode') ?? undefined;
    await this.ledger.recordProviderStatus(row.touchId, status, errorCode);
    if (status === 'undelivered' || status === 'failed') {
      const delivery = deliveryAfterHandOff(
        'sms',
        { ...row, providerMessageId: sid },
        status === 'failed' ? 'failed' : 'bounced',
        `provider_${status}:${errorCode ?? 'none'}`,
        new Date(),
      );
      await this.publisher.publish(Contracts.delivery, [delivery]);
      const to = params.get('To');
      if (errorCode === String(TWILIO_UNSUBSCRIBED_RECIPIENT) && to)
        await this.publishStop(row.storeId, to, `status:${sid}`);
    }
    await this.events.markHandled(eventId, 'status');
  }

  private async publishStop(storeId: string, phone: string, source: string): Promise<void> {
    await this.publisher.publish(Contracts.suppression, [smsStop(storeId, phone, source, new Date())]);
  }
}
