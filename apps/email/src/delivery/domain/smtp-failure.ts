import { isDeadAddressStatus } from '../../addresses/domain/dead-address';

/** What an SMTP error says about the message, as far as the sender can know. */
export type SmtpFailureKind =
  /** The provider certainly did not take the message and may later: retry. */
  | 'transient'
  /** The provider refused it for good: record failed. */
  | 'permanent'
  /** The connection broke while the message may already have been taken: its fate is unknown. */
  | 'ambiguous';

/** The fields nodemailer puts on its errors that matter here. */
export interface SmtpErrorFacts {
  code?: string | undefined;
  responseCode?: number | undefined;
  command?: string | undefined;
  originalCode?: string | undefined;
  timeoutType?: string | undefined;
  /** The server's reply line, e.g. `550 5.1.1 <ann@example.com>: user unknown`. */
  response?: string | undefined;
}

/** Failures before any message data could reach the server. */
const BEFORE_DATA_CODES = new Set(['EDNS', 'ETLS', 'EAUTH', 'ENOAUTH', 'EOAUTH2', 'EPROXY', 'EREQUIRETLS']);
const REFUSED_CODES = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
const INVALID_CODES = new Set(['EENVELOPE', 'ECONFIG', 'EMAXRECIPIENTS']);

/**
 * RFC 5321 reply classes decide when the server replied: 5yz is permanent (503 is a sequence
 * problem and retriable), 4yz transient. Without a reply, only failures that certainly happened
 * before the message was transmitted are transient; a connection lost later is ambiguous.
 */
export function classifySmtpFailure(e: SmtpErrorFacts): SmtpFailureKind {
  if (e.responseCode !== undefined && e.responseCode > 0) {
    return e.responseCode >= 500 && e.responseCode !== 503 ? 'permanent' : 'transient';
  }
  if (e.code !== undefined && INVALID_CODES.has(e.code)) return 'permanent';
  if (e.command === 'CONN') return 'transient';
  if (e.code !== undefined && BEFORE_DATA_CODES.has(e.code)) return 'transient';
  if (e.originalCode !== undefined && REFUSED_CODES.has(e.originalCode)) return 'transient';
  if (e.code !== undefined && REFUSED_CODES.has(e.code)) return 'transient';
  if (e.timeoutType === 'CONNECT_TIMEOUT' || e.timeoutType === 'GREETING_TIMEOUT') return 'transient';
  return 'ambiguous';
}

/**
 * The enhanced status of a permanent refusal of the recipient at RCPT TO that says the address
 * is dead (a hard bounce at hand-off), else undefined. Only an explicit enhanced code counts: a
 * bare 550 is just as often a policy block, which says nothing about the address.
 */
export function deadAddressStatus(e: SmtpErrorFacts): string | undefined {
  if (e.command !== 'RCPT TO' || e.responseCode === undefined || e.responseCode < 500) return undefined;
  const status = /^\d{3}[ -](5\.\d{1,3}\.\d{1,3})\b/.exec(e.response ?? '')?.[1];
  return status !== undefined && isDeadAddressStatus(status) ? status : undefined;
}

/**
 * A transient refusal that concerns this message's recipient rather than the server (ADR 0006):
 * a 4xx reply to RCPT TO or to the message data (greylisting, 452 mailbox full, a busy mailbox).
 * It is retried later from the send ledger, so it never holds up other shoppers' messages. A 421
 * (the server is closing) and everything before the envelope (connection, greeting, MAIL FROM)
 * concern the server: retried in place, like any outage.
 */
export function isRecipientDeferral(e: SmtpErrorFacts): boolean {
  const code = e.responseCode ?? 0;
  return code >= 400 && code < 500 && code !== 421 && (e.command === 'RCPT TO' || e.command === 'DATA');
}
