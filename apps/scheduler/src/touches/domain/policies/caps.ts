import type { Channel } from '@reclaim/contracts';

/** A touch that went out to the shopper (status dispatched), across all their carts and channels. */
export interface RecentSend {
  at: Date;
  channel: Channel;
  cartId: string;
}

/** Durations are already scaled by RECOVERY_TIME_SCALE. */
export interface CapSettings {
  /** One message per shopper at a time: no send within this long after the previous one. */
  minGapMs: number;
  /** At most this many sends per shopper within `dailyWindowMs` (0 disables the cap). */
  dailyCap: number;
  /** The rolling window of the daily cap (24 h of business time, scaled). */
  dailyWindowMs: number;
  /** At most this many sends per cart on a channel, ever (absent: no cap). */
  perCartChannelCaps: Partial<Record<Channel, number>>;
}

export type CapReason = 'min_gap' | 'daily_cap' | 'channel_cap';

export type CapVerdict =
  | { kind: 'allowed' }
  /** Waiting lifts the cap: the first moment it no longer applies. */
  | { kind: 'defer'; reason: 'min_gap' | 'daily_cap'; deferUntil: Date }
  /** Waiting cannot lift it (the cart used up its channel's sends). */
  | { kind: 'exhausted'; reason: 'channel_cap' };

/**
 * Whether a touch for this cart on this channel may go out at `at`, given the shopper's sends.
 * The per-cart channel cap is checked first (nothing can lift it), then the minimum gap, then
 * the rolling daily cap; a deferral names the first cap that applies.
 */
export function checkCaps(
  touch: { at: Date; channel: Channel; cartId: string },
  sends: ReadonlyArray<RecentSend>,
  settings: CapSettings,
): CapVerdict {
  const t = touch.at.getTime();
  const channelCap = settings.perCartChannelCaps[touch.channel];
  if (channelCap !== undefined) {
    const used = sends.filter((s) => s.cartId === touch.cartId && s.channel === touch.channel).length;
    if (used >= channelCap) return { kind: 'exhausted', reason: 'channel_cap' };
  }
  const past = sends.map((s) => s.at.getTime()).filter((at) => at <= t);
  const last = Math.max(-Infinity, ...past);
  if (settings.minGapMs > 0 && last + settings.minGapMs > t) {
    return { kind: 'defer', reason: 'min_gap', deferUntil: new Date(last + settings.minGapMs) };
  }
  if (settings.dailyCap > 0) {
    const inWindow = past.filter((at) => at + settings.dailyWindowMs > t).sort((a, b) => a - b);
    if (inWindow.length >= settings.dailyCap) {
      // The moment enough of the oldest sends in the window have left it.
      const leaving = inWindow[inWindow.length - settings.dailyCap] ?? t;
      return { kind: 'defer', reason: 'daily_cap', deferUntil: new Date(leaving + settings.dailyWindowMs) };
    }
  }
  return { kind: 'allowed' };
}
