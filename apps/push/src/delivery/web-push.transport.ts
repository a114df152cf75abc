import { generateRequestDetails } from 'web-push';
import type { VapidKeys } from './domain/push-credentials';
import type { ResumeCard } from './domain/resume-card';
import type { PreparedRequest } from './https-session';

export interface WebPushSubscription {
  endpoint: string;
  p256dh: string;
  auth: string;
}

/**
 * Web push requests built with web-push: the card encrypted with aes128gcm for the subscription
 * (RFC 8291), the VAPID `Authorization` header (RFC 8292), TTL of hours instead of web-push's
 * four-week default, `Topic` per cart so a newer card replaces an older one, urgency normal.
 * Building happens before the suppression check; the request is written after it.
 */
export class WebPushRequests {
  constructor(
    private readonly vapid: VapidKeys,
    private readonly ttlMs: number,
  ) {}

  /** Throws when web-push refuses the subscription's keys (the subscription is unusable). */
  build(subscription: WebPushSubscription, card: ResumeCard): PreparedRequest {
    return this.message(subscription, card, card.tag, this.ttlMs);
  }

  /**
   * Any JSON payload for the subscription under a `Topic` (a card's withdrawal uses the card's, so
   * it replaces the card if that is still waiting on the push service).
   */
  message(subscription: WebPushSubscription, payload: object, topic: string, ttlMs: number): PreparedRequest {
    const details = generateRequestDetails(
      { endpoint: subscription.endpoint, keys: { p256dh: subscription.p256dh, auth: subscription.auth } },
      JSON.stringify(payload),
      {
        vapidDetails: this.vapid,
        TTL: Math.round(ttlMs / 1000),
        topic,
        urgency: 'normal',
        contentEncoding: 'aes128gcm',
      },
    );
    const headers: Record<string, string | number> = {};
    for (const [name, value] of Object.entries(details.headers)) {
      if (typeof value === 'string' || typeof value === 'number') headers[name] = value;
    }
    return { url: new URL(details.endpoint), method: 'POST', headers, body: details.body };
  }
}
