import type { Sender } from './domain/senders';
import type { ProviderFailureFacts } from './domain/provider-failure';

export interface OutgoingSms {
  to: string;
  sender: Sender;
  body: string;
  /** Where the provider posts status changes of this message (omitted: none). */
  statusCallback?: string | undefined;
}

/** What the provider said when it took the message. */
export interface AcceptedSms {
  /** The provider's message id (Twilio `SM…`). */
  sid: string;
  status: string;
}

/**
 * A connection to the provider that is up (TCP and TLS done) and has carried nothing yet, so the
 * caller can still decide not to send: the last suppression check sits between `open()` and
 * `send()` (ADR 0005).
 */
export interface SmsSession {
  /**
   * Writes the request — only if `Date.now()` is still at or before `writeBy` at that moment
   * (else {@link SmsWriteDeadlineMissedError}, nothing written) — and waits for the answer.
   * Failures are {@link SmsProviderError}s whose facts say how far the request got.
   */
  send(message: OutgoingSms, writeBy: number): Promise<AcceptedSms>;
  /** Closes the connection; safe to call more than once. */
  close(): void;
}

/** Our SMS provider interface; the Twilio-compatible REST adapter implements it. */
export interface SmsProvider {
  /** A kept-alive connection that is still good, or a new one (connected, TLS done). */
  open(): Promise<SmsSession>;
  /** After the hand-off: kept for the next message when it carried this one cleanly, else closed. */
  release(session: SmsSession, reusable: boolean): void;
}

export const SMS_PROVIDER = Symbol('SMS_PROVIDER');

export class SmsProviderError extends Error {
  constructor(
    message: string,
    readonly facts: ProviderFailureFacts,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'SmsProviderError';
  }
}

/** The freshness deadline passed before the request was written: nothing was sent. */
export class SmsWriteDeadlineMissedError extends Error {
  constructor(readonly lateByMs: number) {
    super(`request not written: ${lateByMs} ms past its freshness deadline`);
    this.name = 'SmsWriteDeadlineMissedError';
  }
}
