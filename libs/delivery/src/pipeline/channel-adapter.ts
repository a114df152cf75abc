import type { Channel, TouchDue } from '@reclaim/contracts';
import type { TouchOutcome } from '../domain/provider-outcome';

/** A step of an adapter either goes on with its value or ends the touch with an outcome. */
export type Step<T> = { value: T } | { outcome: TouchOutcome };

export const proceed = <T>(value: T): Step<T> => ({ value });
export const endWith = (outcome: TouchOutcome): Step<never> => ({ outcome });

/**
 * What a channel brings to the hand-off pipeline: its content and its provider, nothing of the
 * sequence that keeps the suppression promise (ADR 0005) — that is the pipeline's alone.
 *
 * Three types follow a touch through the steps: `Target` (who and where: an address, a push
 * subscription, a store's sender), `Prepared` (the message, built to its final bytes) and
 * `Session` (a provider connection that is up — TCP, TLS, greeting, login — and has carried
 * nothing yet). Everything slow or fallible happens in `target`, `prepare` and `open`, before the
 * last suppression check; after it only `handOver` runs.
 */
export interface ChannelAdapter<Target, Prepared, Session> {
  readonly channel: Channel;
  /** Longest time from the start of the last suppression check to the hand-off (ms). */
  readonly freshnessMs: number;

  /** Who the touch goes to, or why it cannot go (no address, channel not configured, a refused endpoint). */
  target(touch: TouchDue): Promise<Step<Target>>;
  /**
   * The message, after the touch's deadline, attempts and quiet hours allowed an attempt (so an
   * incentive code is issued only for a message that may go out).
   */
  prepare(touch: TouchDue, target: Target): Promise<Step<Prepared>>;
  /**
   * A provider session ready for the message (a pooled one verified alive, or a new one). A
   * failure is before anything was written: `retry_later` (provider or recipient scope), or
   * another outcome that ends the touch.
   */
  open(touch: TouchDue, target: Target, prepared: Prepared): Promise<Step<Session>>;
  /** Right before the last check: work that must precede it (push records the card it may withdraw). */
  beforeCheck?(touch: TouchDue, target: Target): Promise<void>;
  /** The channel's own ledger columns written when sending starts (recipient, transport, segments). */
  sendingColumns(target: Target, prepared: Prepared): Readonly<Record<string, string | number>>;
  /**
   * The hand-off: writes the message and says what the provider answered. Nothing may be written
   * after `writeBy` (epoch ms): a session that checks it at the write throws HandoffTooLateError.
   * Provider errors are returned as outcomes; anything thrown here other than HandoffTooLateError
   * is recorded `unknown` (the message may have been taken).
   */
  handOver(
    session: Session,
    touch: TouchDue,
    target: Target,
    prepared: Prepared,
    writeBy: number,
  ): Promise<TouchOutcome>;
  /** After the outcome is recorded, before it is reported (push forgets a gone subscription). */
  afterOutcome?(touch: TouchDue, target: Target, outcome: TouchOutcome): Promise<void>;
  /** Gives the session back (to a pool, when it carried a message cleanly) or closes it. */
  release(session: Session, reusable: boolean): void;
  /** After every attempt that reached `beforeCheck`, whatever happened. */
  afterAttempt?(touch: TouchDue): Promise<void>;
}
