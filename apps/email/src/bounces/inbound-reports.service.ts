import { Inject, Injectable, Logger } from '@nestjs/common';
import { simpleParser } from 'mailparser';
import { Contracts } from '@reclaim/contracts';
import { errorMessage } from '@reclaim/core';
import { deliveryAfterHandOff } from '@reclaim/delivery';
import { EventPublisher } from '@reclaim/kafka';
import { EMAIL_CONFIG, type EmailConfig } from '../config';
import { addressStop } from '../addresses/domain/address-stop';
import { touchOfReturnPath } from '../addresses/domain/return-path';
import { EmailSendLedgerRepository, type HandedOverEmail } from '../ledger/send-ledger.repository';
import { bounceVerdict, readReport, reportNames, touchIdInReturnedHeaders, type InboundReport } from './domain/reports';

/** The answer for the reporting server: 250, or a refusal it can act on (RFC 5321 reply + RFC 3463 status). */
export type InboundAnswer = { accepted: true; note: string } | { accepted: false; code: 451 | 550; message: string };

/**
 * Turns a bounce or complaint about one of our messages into what the rest of the system acts
 * on: a dead address (hard bounce) or a complaint becomes a suppression of that address (every
 * cart, every later touch), and a permanent failure a `bounced` delivery of the touch. Every
 * record's id derives from the touch, so a report delivered twice publishes the same records;
 * nothing is acknowledged to the reporting server before Kafka has it.
 */
@Injectable()
export class InboundReportsService {
  private readonly logger = new Logger(InboundReportsService.name);

  constructor(
    @Inject(EMAIL_CONFIG) private readonly config: EmailConfig,
    private readonly ledger: EmailSendLedgerRepository,
    @Inject(EventPublisher) private readonly publisher: EventPublisher,
  ) {}

  /** Whether the listener takes mail for this recipient (the bounce address, or a VERP form of it). */
  accepts(recipient: string): boolean {
    return this.touchNamedBy(recipient) !== undefined;
  }

  async receive(raw: Buffer, recipients: ReadonlyArray<string>): Promise<InboundAnswer> {
    const mail = await simpleParser(raw, { keepDeliveryStatus: true });
    const contentType = mail.headers.get('content-type') as
      { value?: string; params?: Record<string, string> } | undefined;
    const report = readReport(
      contentType?.value === 'multipart/report' ? contentType.params?.['report-type'] : 'none',
      mail.attachments.map((a) => ({ contentType: a.contentType, content: a.content.toString('utf8') })),
    );
    if (!report) {
      return {
        accepted: false,
        code: 550,
        message: '5.6.0 not a delivery status notification (RFC 3464) or abuse report (RFC 5965)',
      };
    }
    const verp = recipients.map((r) => this.touchNamedBy(r)).find((t): t is string => typeof t === 'string');
    const touchId = verp ?? touchIdInReturnedHeaders(raw.toString('latin1'));
    const touch = touchId === undefined ? undefined : await this.ledger.findHandedOver(touchId);
    if (!touch?.recipient) {
      return { accepted: false, code: 550, message: '5.1.1 the report names no message we sent' };
    }
    // Without the signed VERP address, the touch id alone is no proof: the report must also name
    // the address the message went to.
    if (verp === undefined && !reportNames(report, touch.recipient)) {
      return { accepted: false, code: 550, message: '5.1.1 the report does not name the address the message went to' };
    }
    try {
      return await this.act(report, touch, touch.recipient);
    } catch (error) {
      this.logger.warn({
        msg: 'report not recorded; the reporting server will retry',
        touchId,
        error: errorMessage(error),
      });
      return { accepted: false, code: 451, message: '4.3.0 could not record the report, try again later' };
    }
  }

  private async act(report: InboundReport, touch: HandedOverEmail, address: string): Promise<InboundAnswer> {
    const now = new Date();
    if (report.kind === 'feedback') {
      await this.publisher.publish(Contracts.suppression, [
        addressStop('complaint', touch.storeId, address, touch.touchId, now),
      ]);
      this.logger.log({
        msg: 'complaint: address stopped',
        touchId: touch.touchId,
        feedbackType: report.feedbackType,
      });
      return { accepted: true, note: `complaint (${report.feedbackType}) recorded` };
    }
    // The entry for the address we sent to; a report without addresses speaks of our one recipient.
    const entry =
      report.recipients.find((r) => r.recipient === address.toLowerCase()) ??
      (report.recipients.length === 1 && report.recipients[0]?.recipient === undefined
        ? report.recipients[0]
        : undefined);
    const verdict = entry ? bounceVerdict(entry) : { kind: 'none' as const };
    if (verdict.kind === 'none') return { accepted: true, note: 'nothing to act on (delayed, delivered or temporary)' };
    if (verdict.kind === 'hard') {
      await this.publisher.publish(Contracts.suppression, [
        addressStop('hard_bounce', touch.storeId, address, touch.touchId, now),
      ]);
    }
    const delivery = deliveryAfterHandOff(
      'email',
      touch,
      'bounced',
      `${verdict.kind === 'hard' ? 'hard_bounce' : 'bounce'}:${verdict.status}`,
      now,
    );
    await this.publisher.publish(Contracts.delivery, [delivery]);
    this.logger.log({ msg: 'bounce recorded', touchId: touch.touchId, reason: delivery.reason });
    return { accepted: true, note: `bounce recorded (${delivery.reason})` };
  }

  private touchNamedBy(recipient: string): string | null | undefined {
    if (!this.config.EMAIL_BOUNCE_ADDRESS) return undefined;
    return touchOfReturnPath(recipient, this.config.EMAIL_BOUNCE_ADDRESS, this.config.RESUME_LINK_SECRET);
  }
}
