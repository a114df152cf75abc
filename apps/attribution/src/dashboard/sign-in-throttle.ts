import { Inject, Injectable } from '@nestjs/common';
import { ThrottlerStorageService } from '@nestjs/throttler';

/** Failed sign-ins (a wrong key, a forged or expired link) one client address may make per window. */
export const SIGN_IN_FAILURES_ALLOWED = 10;
export const SIGN_IN_WINDOW_MS = 60_000;

/** The store of failed attempts (a provider, so the app's shutdown stops its sweep timer). */
export const SIGN_IN_FAILURES = Symbol('SIGN_IN_FAILURES');

/**
 * Slows down guessing a reports key through the sign-in form: after SIGN_IN_FAILURES_ALLOWED
 * failures within SIGN_IN_WINDOW_MS, an address is refused (429) for the next window, right key or
 * not. Only failures count, so a store owner signing in and out is never held up. In memory, per
 * instance (@nestjs/throttler's storage), keyed by the client address Express reports.
 */
@Injectable()
export class SignInAttempts {
  constructor(@Inject(SIGN_IN_FAILURES) private readonly failures: ThrottlerStorageService) {}

  /** Seconds this client must wait before trying again; 0 when it may try now. */
  waitSeconds(client: string, now = Date.now()): number {
    const record = this.failures.storage.get(this.key(client));
    if (!record?.isBlocked || record.blockExpiresAt <= now) return 0;
    return Math.ceil((record.blockExpiresAt - now) / 1000);
  }

  async failed(client: string): Promise<void> {
    // The storage blocks once its count exceeds the limit: the last allowed failure starts the block.
    const limit = SIGN_IN_FAILURES_ALLOWED - 1;
    await this.failures.increment(this.key(client), SIGN_IN_WINDOW_MS, limit, SIGN_IN_WINDOW_MS, 'signin');
  }

  private key(client: string): string {
    return `signin:${client}`;
  }
}
