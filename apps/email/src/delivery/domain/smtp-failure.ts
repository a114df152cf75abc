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
