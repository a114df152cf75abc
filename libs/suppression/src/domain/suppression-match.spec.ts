import { SuppressionScopes } from '@reclaim/contracts';
import {
  candidateScopes,
  caughtUp,
  judgeSuppression,
  recipientOf,
  staleViewSigns,
  type Recipient,
} from './suppression-match';

const at = (iso: string) => new Date(iso);
const recipient: Recipient = {
  storeId: 's1',
  cartId: 'c1',
  channel: 'email',
  customerId: 'u1',
  email: 'Ann@Example.com',
  phone: '+14155550100',
  abandonedAt: at('2026-01-02T10:00:00Z'),
};

describe(judgeSuppression.name, () => {
  const sut = judgeSuppression;

  it('lets a message through when nothing matches', () => {
    expect(sut(recipient, [])).toEqual({ suppressed: false });
  });

  it('suppresses on the cart scope whatever its time', () => {
    const scope = SuppressionScopes.cart('s1', 'c1');
    const verdict = sut(recipient, [{ scope, reason: 'order_completed', suppressedAt: at('2025-01-01T00:00:00Z') }]);
    expect(verdict).toMatchObject({ suppressed: true, scope, reason: 'order_completed' });
  });

  it('suppresses on the customer scope when the order came after the abandonment (last activity unknown)', () => {
    const scope = SuppressionScopes.customer('s1', 'u1');
    expect(
      sut(recipient, [{ scope, reason: 'order_completed', suppressedAt: at('2026-01-02T11:00:00Z') }]),
    ).toMatchObject({
      suppressed: true,
      scope,
    });
    expect(
      sut(recipient, [{ scope, reason: 'order_completed', suppressedAt: at('2026-01-02T10:00:00Z') }]),
    ).toMatchObject({
      suppressed: true,
    });
  });

  it('does not suppress a cart abandoned after the customer last ordered', () => {
    const scope = SuppressionScopes.customer('s1', 'u1');
    expect(sut(recipient, [{ scope, reason: 'order_completed', suppressedAt: at('2026-01-01T00:00:00Z') }])).toEqual({
      suppressed: false,
    });
  });

  it('counts any customer suppression when the abandonment time is unknown', () => {
    const scope = SuppressionScopes.customer('s1', 'u1');
    const verdict = sut({ ...recipient, abandonedAt: undefined }, [
      { scope, reason: 'order_completed', suppressedAt: at('2020-01-01T00:00:00Z') },
    ]);
    expect(verdict.suppressed).toBe(true);
  });

  it('suppresses the channel’s contact scope always, e-mail case-insensitively', () => {
    const email = SuppressionScopes.email('s1', 'ann@example.com');
    expect(
      sut(recipient, [{ scope: email, reason: 'unsubscribed', suppressedAt: at('2020-01-01T00:00:00Z') }]),
    ).toMatchObject({
      suppressed: true,
      reason: 'unsubscribed',
    });
    const sms = SuppressionScopes.sms('s1', '+14155550100');
    expect(
      sut({ ...recipient, channel: 'sms' }, [
        { scope: sms, reason: 'sms_stop', suppressedAt: at('2020-01-01T00:00:00Z') },
      ]),
    ).toMatchObject({
      suppressed: true,
      reason: 'sms_stop',
    });
  });

  it('ignores scopes of other stores', () => {
    const scope = SuppressionScopes.cart('s2', 'c1');
    expect(sut(recipient, [{ scope, reason: 'order_completed', suppressedAt: at('2026-01-03T00:00:00Z') }])).toEqual({
      suppressed: false,
    });
  });
});

describe('order reach by last activity', () => {
  const sut = judgeSuppression;
  const order = (scope: string, iso: string) => [{ scope, reason: 'order_completed', suppressedAt: at(iso) }];
  // Last touched at 10:00, found idle (and abandoned) at 10:30.
  const cart: Recipient = {
    storeId: 's1',
    cartId: 'c2',
    channel: 'email',
    email: 'guest@example.com',
    lastActivityAt: at('2026-01-02T10:00:00Z'),
    abandonedAt: at('2026-01-02T10:30:00Z'),
  };

  it('stops a guest’s other cart, known only by e-mail, through the shopper e-mail scope', () => {
    const scope = SuppressionScopes.shopperEmail('s1', 'GUEST@example.com');
    expect(sut(cart, order(scope, '2026-01-02T11:00:00Z'))).toMatchObject({ suppressed: true, scope });
  });

  it('stops a cart open at order time and swept later: the order follows its last activity', () => {
    const scope = SuppressionScopes.customer('s1', 'u1');
    expect(sut({ ...cart, customerId: 'u1' }, order(scope, '2026-01-02T10:10:00Z'))).toMatchObject({
      suppressed: true,
    });
  });

  it('lets a cart worked on after the order through', () => {
    const scope = SuppressionScopes.shopperEmail('s1', 'guest@example.com');
    expect(sut(cart, order(scope, '2026-01-02T09:59:00Z'))).toEqual({ suppressed: false });
  });
});

describe('consent scopes', () => {
  const sut = judgeSuppression;
  const withdrawn = (scope: string) => [
    { scope, reason: 'consent_withdrawn', suppressedAt: at('2020-01-01T00:00:00Z') },
  ];

  it('stops the channel whose consent was withdrawn, under any subject the recipient has', () => {
    for (const subject of [
      { kind: 'cart', value: 'c1' },
      { kind: 'customer', value: 'u1' },
      { kind: 'email', value: 'ANN@example.com' },
    ] as const) {
      const scope = SuppressionScopes.consent('email', 's1', subject);
      expect(sut(recipient, withdrawn(scope))).toMatchObject({ suppressed: true, scope, reason: 'consent_withdrawn' });
    }
  });

  it('does not stop another channel', () => {
    const sms = SuppressionScopes.consent('sms', 's1', { kind: 'customer', value: 'u1' });
    expect(sut(recipient, withdrawn(sms))).toEqual({ suppressed: false });
    expect(sut({ ...recipient, channel: 'sms' }, withdrawn(sms))).toMatchObject({ suppressed: true });
  });
});

describe(candidateScopes.name, () => {
  it('lists only the scopes the recipient has', () => {
    expect(candidateScopes({ storeId: 's', cartId: 'c', channel: 'push' })).toEqual([
      SuppressionScopes.cart('s', 'c'),
      SuppressionScopes.consent('push', 's', { kind: 'cart', value: 'c' }),
    ]);
  });

  it('lists the channel’s own address for opt-outs and every identifier for purchases', () => {
    expect(
      candidateScopes({ storeId: 's', cartId: 'c', channel: 'sms', customerId: 'u', email: 'a@x.io', phone: '+1415' }),
    ).toEqual([
      SuppressionScopes.cart('s', 'c'),
      SuppressionScopes.sms('s', '+1415'),
      SuppressionScopes.consent('sms', 's', { kind: 'cart', value: 'c' }),
      SuppressionScopes.consent('sms', 's', { kind: 'customer', value: 'u' }),
      SuppressionScopes.consent('sms', 's', { kind: 'phone', value: '+1415' }),
      SuppressionScopes.customer('s', 'u'),
      SuppressionScopes.shopperEmail('s', 'a@x.io'),
      SuppressionScopes.shopperPhone('s', '+1415'),
    ]);
  });
});

describe(recipientOf.name, () => {
  const touch = {
    touchId: 't',
    abandonmentId: 'a',
    storeId: 's1',
    cartId: 'c1',
    sequence: 1,
    template: 'reminder',
    incentive: 'none' as const,
    segment: 'x',
    customer: { id: 'u1', email: 'ann@example.com', phone: '+14155550100' },
    cart: { currency: 'EUR', items: [], value: 0 },
    abandonedAt: '2026-01-02T10:30:00.000Z',
    lastActivityAt: '2026-01-02T10:00:00.000Z',
    dueAt: '2026-01-02T11:30:00.000Z',
  };

  it('carries every identifier of the shopper, whatever the channel', () => {
    for (const channel of ['email', 'sms', 'push'] as const) {
      expect(recipientOf({ ...touch, channel })).toMatchObject({
        channel,
        customerId: 'u1',
        email: 'ann@example.com',
        phone: '+14155550100',
      });
    }
    expect(recipientOf({ ...touch, channel: 'email' }).lastActivityAt).toEqual(at('2026-01-02T10:00:00Z'));
  });
});

describe('the two kinds of stop, across channels', () => {
  const guest = (channel: 'email' | 'sms' | 'push'): Recipient => ({
    storeId: 's1',
    cartId: 'older-cart',
    channel,
    email: 'guest@example.com',
    phone: '+14155550199',
    lastActivityAt: at('2026-01-02T10:00:00Z'),
  });
  const entry = (scope: string, reason: string) => [{ scope, reason, suppressedAt: at('2026-01-02T11:00:00Z') }];

  it.each(['email', 'sms', 'push'] as const)(
    'a guest’s order known by e-mail or by phone stops the shopper’s %s on their other carts',
    (channel) => {
      for (const scope of [
        SuppressionScopes.shopperEmail('s1', 'Guest@Example.com'),
        SuppressionScopes.shopperPhone('s1', '+14155550199'),
      ]) {
        expect(judgeSuppression(guest(channel), entry(scope, 'order_completed'))).toMatchObject({
          suppressed: true,
          scope,
        });
      }
    },
  );

  it('an opt-out stops only the channel whose address it names', () => {
    const unsubscribed = entry(SuppressionScopes.email('s1', 'guest@example.com'), 'unsubscribed');
    const stopped = entry(SuppressionScopes.sms('s1', '+14155550199'), 'sms_stop');
    expect(judgeSuppression(guest('email'), unsubscribed)).toMatchObject({ suppressed: true });
    expect(judgeSuppression(guest('sms'), unsubscribed)).toEqual({ suppressed: false });
    expect(judgeSuppression(guest('push'), unsubscribed)).toEqual({ suppressed: false });
    expect(judgeSuppression(guest('sms'), stopped)).toMatchObject({ suppressed: true });
    expect(judgeSuppression(guest('email'), stopped)).toEqual({ suppressed: false });
    const emailConsent = entry(
      SuppressionScopes.consent('email', 's1', { kind: 'email', value: 'guest@example.com' }),
      'consent_withdrawn',
    );
    expect(judgeSuppression(guest('sms'), emailConsent)).toEqual({ suppressed: false });
  });
});

describe(caughtUp.name, () => {
  const sut = caughtUp;
  it('needs every partition at or past its high watermark', () => {
    const high = new Map([
      [0, 5n],
      [1, 0n],
    ]);
    expect(sut(new Map([[0, 5n]]), high)).toBe(true);
    expect(sut(new Map([[0, 4n]]), high)).toBe(false);
    expect(sut(new Map(), new Map([[2, 1n]]))).toBe(false);
  });
});

describe(staleViewSigns.name, () => {
  const sut = staleViewSigns;
  const high = new Map([
    [0, 10n],
    [1, 4n],
    [2, 0n],
  ]);

  it('trusts positions within the topic whose partitions the group has committed', () => {
    expect(
      sut(
        new Map([
          [0, 10n],
          [1, 3n],
        ]),
        high,
        new Map([
          [0, 10n],
          [1, 2n],
        ]),
      ),
    ).toEqual([]);
  });

  it('trusts a fresh view, and partitions it has not read yet', () => {
    expect(sut(new Map(), high, new Map())).toEqual([]);
    expect(sut(new Map([[2, 0n]]), high, new Map())).toEqual([]);
  });

  it('distrusts a position past the partition’s end', () => {
    expect(sut(new Map([[1, 5n]]), high, new Map([[1, 5n]]))).toEqual(['p1: position 5 past the end 4']);
    expect(sut(new Map([[3, 1n]]), high, new Map([[3, 1n]]))).toEqual(['p3: position 1 past the end 0']);
  });

  it('distrusts a read partition the group has no commit on, even within the topic (it grew again)', () => {
    expect(sut(new Map([[0, 7n]]), high, new Map([[1, 4n]]))).toEqual([
      'p0: position 7, but the group has no commit on the topic',
    ]);
  });
});
