import { createECDH, randomBytes } from 'node:crypto';
import type { StorefrontEventRecord } from '@reclaim/contracts';
import { addressOf, subscriptionsOf } from './push-subscription';

describe(subscriptionsOf.name, () => {
  const sut = subscriptionsOf;
  const p256dh = createECDH('prime256v1');
  p256dh.generateKeys();
  const keys = { p256dh: p256dh.getPublicKey().toString('base64url'), auth: randomBytes(16).toString('base64url') };
  const record = (event: Partial<StorefrontEventRecord['event']>): StorefrontEventRecord => ({
    storeId: 'store-1',
    receivedAt: '2026-01-02T10:00:01Z',
    event: { id: 'ev-1', type: 'push.subscribed', occurredAt: '2026-01-02T10:00:00Z', cartId: 'cart-1', ...event },
  });

  it('reads a web push subscription with the customer id', () => {
    const endpoint = 'https://push.example/send/abc';
    expect(sut(record({ customer: { id: 'u1' }, push: { webPush: { endpoint, keys } } }))).toEqual([
      {
        storeId: 'store-1',
        cartId: 'cart-1',
        customerId: 'u1',
        subscribedAt: '2026-01-02T10:00:00Z',
        sourceEventId: 'ev-1',
        transport: 'web_push',
        endpoint,
        ...keys,
      },
    ]);
  });

  it('reads an FCM token, and both when both are given', () => {
    const [fcm] = sut(record({ push: { fcmToken: 'tok:123' } })) as Exclude<ReturnType<typeof sut>, string>;
    expect(fcm).toMatchObject({ transport: 'fcm', fcmToken: 'tok:123', customerId: undefined });
    expect(addressOf(fcm ?? { transport: 'fcm' })).toBe('tok:123');
    const both = sut(record({ push: { fcmToken: 't', webPush: { endpoint: 'https://p.example/x', keys } } }));
    expect(Array.isArray(both) && both.map((s) => s.transport)).toEqual(['web_push', 'fcm']);
  });

  it('ignores every other event type', () => {
    expect(sut(record({ type: 'cart.updated' }))).toEqual([]);
  });

  it('refuses subscriptions that could never be encrypted for or reached safely', () => {
    expect(sut(record({ push: {} }))).toMatch(/neither/);
    expect(sut(record({ push: { webPush: { endpoint: 'http://push.example/x', keys } } }))).toMatch(/https/);
    expect(
      sut(record({ push: { webPush: { endpoint: 'https://p.example/x', keys: { ...keys, p256dh: 'abc' } } } })),
    ).toMatch(/p256dh/);
    expect(
      sut(
        record({
          push: {
            webPush: { endpoint: 'https://p.example/x', keys: { ...keys, auth: randomBytes(8).toString('base64url') } },
          },
        }),
      ),
    ).toMatch(/auth/);
    expect(sut(record({ push: { fcmToken: 'has space' } }))).toMatch(/fcmToken/);
  });
});
