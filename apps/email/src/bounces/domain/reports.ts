import { isDeadAddressStatus } from '../../addresses/domain/dead-address';

/** What a report received at the bounce address says. */
export type InboundReport =
  /** RFC 3464 delivery status notification: one entry per recipient it reports on. */
  | { kind: 'delivery_status'; recipients: RecipientStatus[] }
  /** RFC 5965 abuse feedback (ARF): the recipient marked the message as spam (or similar). */
  | { kind: 'feedback'; feedbackType: string; recipient: string | undefined };

export interface RecipientStatus {
  /** The address, from Final-Recipient (or Original-Recipient), without its `rfc822;` type. */
  recipient: string | undefined;
  action: string;
  /** The RFC 3463 status, e.g. `5.1.1`. */
  status: string;
}

/** A MIME part of the report, as the parser hands it over. */
export interface ReportPart {
  contentType: string;
  content: string;
}

/**
 * Reads "name: value" field blocks (RFC 3464 §2.1, RFC 5965 §3.1: header syntax, folded lines,
 * blocks separated by blank lines) into one record per block, names lower-cased; a repeated
 * field keeps its first value.
 */
export function parseFieldBlocks(text: string): Array<Record<string, string>> {
  const blocks: Array<Record<string, string>> = [];
  for (const block of text.replace(/\r\n/g, '\n').split(/\n[ \t]*\n/)) {
    const fields: Record<string, string> = {};
    for (const line of block.replace(/\n[ \t]+/g, ' ').split('\n')) {
      const colon = line.indexOf(':');
      if (colon <= 0) continue;
      const name = line.slice(0, colon).trim().toLowerCase();
      fields[name] ??= line.slice(colon + 1).trim();
    }
    if (Object.keys(fields).length > 0) blocks.push(fields);
  }
  return blocks;
}

/** `rfc822; Ann@Example.com` or `<ann@example.com>` → `ann@example.com`. */
function address(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const bare = (value.includes(';') ? value.slice(value.indexOf(';') + 1) : value).trim().replace(/^<|>$/g, '');
  return bare.includes('@') ? bare.toLowerCase() : undefined;
}

/**
 * The report a `multipart/report` message carries, from its machine-readable part; undefined when
 * there is none (a human-written bounce, a message that is no report at all).
 */
export function readReport(
  reportType: string | undefined,
  parts: ReadonlyArray<ReportPart>,
): InboundReport | undefined {
  const type = reportType?.toLowerCase();
  const part = (contentType: string) => parts.find((p) => p.contentType.toLowerCase() === contentType);
  const status = part('message/delivery-status');
  if (status && (type === undefined || type === 'delivery-status')) {
    const recipients = parseFieldBlocks(status.content)
      .filter((f) => f['action'] !== undefined && f['status'] !== undefined)
      .map((f) => ({
        recipient: address(f['final-recipient'] ?? f['original-recipient']),
        action: (f['action'] ?? '').toLowerCase(),
        status: /^\d\.\d{1,3}\.\d{1,3}/.exec(f['status'] ?? '')?.[0] ?? '',
      }));
    return recipients.length > 0 ? { kind: 'delivery_status', recipients } : undefined;
  }
  const feedback = part('message/feedback-report');
  if (feedback && (type === undefined || type === 'feedback-report')) {
    const fields = parseFieldBlocks(feedback.content)[0] ?? {};
    return {
      kind: 'feedback',
      feedbackType: (fields['feedback-type'] ?? 'abuse').toLowerCase(),
      recipient: address(fields['original-rcpt-to']),
    };
  }
  return undefined;
}

/** What a recipient's delivery status means for the address. */
export type BounceVerdict =
  /** Failed for good, and the address is dead: stop it. */
  | { kind: 'hard'; status: string }
  /** Failed for good for another reason (policy, content, full mailbox): report, keep the address. */
  | { kind: 'permanent'; status: string }
  /** Delayed, relayed, delivered, or a temporary failure: nothing to do. */
  | { kind: 'none' };

export function bounceVerdict(r: RecipientStatus): BounceVerdict {
  if (r.action !== 'failed' || !r.status.startsWith('5.')) return { kind: 'none' };
  return isDeadAddressStatus(r.status) ? { kind: 'hard', status: r.status } : { kind: 'permanent', status: r.status };
}

/** The touch a report names in the returned headers of our message (`X-Reclaim-Touch-Id`). */
export function touchIdInReturnedHeaders(raw: string): string | undefined {
  return /^X-Reclaim-Touch-Id:[ \t]*([A-Za-z0-9_-]{1,128})[ \t]*$/im.exec(raw)?.[1];
}

/** Whether the report speaks of this address (Final-Recipient or Original-Rcpt-To). */
export function reportNames(report: InboundReport, address: string): boolean {
  const wanted = address.toLowerCase();
  return report.kind === 'feedback'
    ? report.recipient === wanted
    : report.recipients.some((r) => r.recipient === wanted);
}
