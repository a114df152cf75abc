import type { StorefrontEventRecord } from '@reclaim/contracts';

export type PushTransportName = 'web_push' | 'fcm';

/** A push address a shopper gave on one cart: a web push subscription or an FCM registration token. */
export type PushSubscription = {
  storeId: string;
  cartId: string;
  customerId: string | undefined;
  /** When the shopper subscribed (the event's occurredAt): the newest wins. */
  subscribedAt: string;
  sourceEventId: string;
} & (
  { transport: 'web_push'; endpoint: string; p256dh: string; auth: string } | { transport: 'fcm'; fcmToken: string }
);

/** The address a push service knows the recipient by: deleting it is token hygiene. */
export const addressOf = (s: Pick<PushSubscription, 'transport'> & { endpoint?: string; fcmToken?: string }): string =>
  (s.transport === 'web_push' ? s.endpoint : s.fcmToken) ?? '';

const BASE64URL = /^[A-Za-z0-9_-]+={0,2}$/;

const bytes = (s: string): number | undefined =>
  BASE64URL.test(s) ? Buffer.from(s.replace(/=+$/, ''), 'base64url').length : undefined;

/**
 * The push addresses a storefront event carries: none for other event types; a `push.subscribed`
 * with a web push subscription, an FCM token or both. Returns the problem as a string when the
 * event is a `push.subscribed` that cannot be used (it goes to the dead-letter topic): a web push
 * endpoint must be https, `p256dh` an uncompressed P-256 point (65 bytes) and `auth` 16 bytes, as
 * browsers give them — a subscription with broken keys could never be encrypted for.
 */
export function subscriptionsOf(record: StorefrontEventRecord): PushSubscription[] | string {
  const { event, storeId } = record;
  if (event.type !== 'push.subscribed') return [];
  if (!event.cartId) return 'push.subscribed without cartId';
  const base = {
    storeId,
    cartId: event.cartId,
    customerId: event.customer?.id,
    subscribedAt: event.occurredAt,
    sourceEventId: event.id,
  };
  const out: PushSubscription[] = [];
  const web = event.push?.webPush;
  if (web) {
    let endpoint: URL;
    try {
      endpoint = new URL(web.endpoint);
    } catch {
      return 'push.webPush.endpoint is not a URL';
    }
    if (endpoint.protocol !== 'https:') return 'push.webPush.endpoint must be an https URL';
    if (bytes(web.keys.p256dh) !== 65)
      return 'push.webPush.keys.p256dh must be a base64url P-256 public key (65 bytes)';
    if (bytes(web.keys.auth) !== 16) return 'push.webPush.keys.auth must be a base64url 16-byte secret';
    out.push({ ...base, transport: 'web_push', endpoint: web.endpoint, p256dh: web.keys.p256dh, auth: web.keys.auth });
  }
  const token = event.push?.fcmToken;
  if (token !== undefined) {
    if (!/^[\x21-\x7e]+$/.test(token)) return 'push.fcmToken must be printable ASCII without spaces';
    out.push({ ...base, transport: 'fcm', fcmToken: token });
  }
  if (out.length === 0) return 'push.subscribed carries neither push.webPush nor push.fcmToken';
  return out;
}
