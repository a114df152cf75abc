import type { EdgePolicy } from '@reclaim/contracts';
import { dedupeAndOrder, validateBatch as validate } from './batch';

const policy: EdgePolicy = {
  now: new Date('2026-11-25T12:00:00Z'),
  maxEventAgeMs: 30 * 86_400_000,
  maxClockSkewMs: 5 * 60_000,
  httpsOnly: false,
};
const validateBatch = (body: unknown, over: Partial<EdgePolicy> = {}) => validate(body, { ...policy, ...over });

const event = (id: string, occurredAt: string, extra: Record<string, unknown> = {}) => ({
  id,
  type: 'cart.viewed',
  occurredAt,
  cartId: 'c1',
  ...extra,
});

describe(validate.name, () => {
  it('accepts a valid batch and keeps strings exactly as sent', () => {
    const sut = validateBatch({ events: [event(' padded id ', '2026-11-25T10:00:00+01:00')] });
    expect(sut).toEqual({ ok: true, events: [expect.objectContaining({ id: ' padded id ' })] });
  });

  it('lists every problem with the index and path of the event', () => {
    const sut = validateBatch({
      events: [
        event('ok', '2026-11-25T10:00:00Z'),
        { id: 'x', type: 'order.completed', occurredAt: '2026-11-25T10:00:00Z', cartId: 'c1' },
        {
          id: 'y',
          type: 'cart.updated',
          occurredAt: '2026-11-25T10:00:00Z',
          cartId: 'c1',
          cart: { currency: 'euro', items: [] },
        },
        {
          id: 'z',
          type: 'product.updated',
          occurredAt: '2026-11-25T10:00:00Z',
          cartId: 'c1',
          product: { productId: 'p' },
        },
      ],
    });
    expect(sut.ok).toBe(false);
    if (sut.ok) return;
    expect(sut.details).toEqual([
      { index: 1, path: 'order', message: 'is required for order.completed' },
      { index: 2, path: 'cart.currency', message: 'must be an ISO 4217 code such as EUR' },
      { index: 3, path: 'cartId', message: 'product.updated is store-wide: no cartId' },
    ]);
  });

  it.each([
    ['no events field', {}],
    ['an empty batch', { events: [] }],
    ['more than 500 events', { events: Array.from({ length: 501 }, (_, i) => event(`e${i}`, '2026-11-25T10:00:00Z')) }],
    ['a body that is an array', [event('a', '2026-11-25T10:00:00Z')]],
  ])('rejects %s at the envelope', (_what, body) => {
    const sut = validateBatch(body);
    expect(sut.ok).toBe(false);
    if (!sut.ok) expect(sut.details[0]?.index).toBeNull();
  });

  it.each([
    ['a timestamp without offset', { occurredAt: '2026-11-25T10:00:00' }, 'occurredAt'],
    ['an unknown time zone', { customer: { timezone: 'Mars/Olympus' } }, 'customer.timezone'],
    ['a phone not in E.164', { customer: { phone: '0612345678' } }, 'customer.phone'],
    [
      'a fractional price',
      { cart: { currency: 'EUR', items: [{ sku: 's', title: 't', quantity: 1, unitPrice: 9.99 }] } },
      'cart.items.0.unitPrice',
    ],
    [
      'a zero quantity',
      { cart: { currency: 'EUR', items: [{ sku: 's', title: 't', quantity: 0, unitPrice: 1 }] } },
      'cart.items.0.quantity',
    ],
    ['an id over 128 characters', { id: 'x'.repeat(129) }, 'id'],
  ])('rejects %s', (_what, patch, path) => {
    const sut = validateBatch({ events: [{ ...event('a', '2026-11-25T10:00:00Z'), ...patch }] });
    expect(sut.ok).toBe(false);
    if (!sut.ok) expect(sut.details.map((d) => d.path)).toContain(path);
  });
});

describe('the edge rules for strings, addresses, money and time', () => {
  const item = (over: Record<string, unknown>) => ({
    cart: { currency: 'EUR', items: [{ sku: 's', title: 't', quantity: 1, unitPrice: 1, ...over }] },
  });
  const detailsOf = (patch: Record<string, unknown>, over: Partial<EdgePolicy> = {}) => {
    const sut = validateBatch({ events: [{ ...event('a', '2026-11-25T10:00:00Z'), ...patch }] }, over);
    return sut.ok ? [] : sut.details;
  };

  it.each([
    ['U+0000 in an id', { id: 'x\u0000y' }, 'id', 'must not contain control characters'],
    ['U+0000 in a cart id', { cartId: 'c\u0000x' }, 'cartId', 'must not contain control characters'],
    ['a tab in a customer id', { customer: { id: 'a\tb' } }, 'customer.id', 'must not contain control characters'],
    ['a C1 control in a sku', item({ sku: 'a\u0085b' }), 'cart.items.0.sku', 'must not contain control characters'],
    ['a lone high surrogate in an id', { id: 'x\ud800' }, 'id', 'must not contain a lone surrogate (broken Unicode)'],
    [
      'a lone low surrogate in a title',
      item({ title: '\udc00' }),
      'cart.items.0.title',
      'must not contain a lone surrogate (broken Unicode)',
    ],
    ['U+0000 in a title', item({ title: 'a\u0000' }), 'cart.items.0.title', 'must not contain U+0000'],
    [
      'U+0000 in an e-mail address',
      { customer: { email: 'a\u0000@example.com' } },
      'customer.email',
      'must not contain control characters',
    ],
    ['a javascript: URL', item({ url: 'javascript:alert(1)' }), 'cart.items.0.url', 'must be an http(s) URL'],
    [
      'a data: image',
      item({ imageUrl: 'data:image/png;base64,AAAA' }),
      'cart.items.0.imageUrl',
      'must be an http(s) URL',
    ],
    ['a file: URL', item({ url: 'file:///etc/passwd' }), 'cart.items.0.url', 'must be an http(s) URL'],
    ['currency ZZZ', { cart: { currency: 'ZZZ', items: [] } }, 'cart.currency', 'must be an ISO 4217 code such as EUR'],
    ['currency eur', { cart: { currency: 'eur', items: [] } }, 'cart.currency', 'must be an ISO 4217 code such as EUR'],
    ['30 February', { occurredAt: '2026-02-30T10:00:00Z' }, 'occurredAt', 'must be an RFC 3339 timestamp'],
    ['year 1', { occurredAt: '0001-01-01T00:00:00Z' }, 'occurredAt', 'is more than 30 days in the past'],
    [
      'year 9999',
      { occurredAt: '9999-12-31T00:00:00Z' },
      'occurredAt',
      "is more than 300 s in the future (is the store's clock right?)",
    ],
    [
      'an instant 31 days old',
      { occurredAt: '2026-10-25T11:59:59Z' },
      'occurredAt',
      'is more than 30 days in the past',
    ],
    [
      'an instant 6 minutes ahead',
      { occurredAt: '2026-11-25T12:06:00Z' },
      'occurredAt',
      "is more than 300 s in the future (is the store's clock right?)",
    ],
  ])('refuses %s, naming the field', (_what, patch, path, message) => {
    expect(detailsOf(patch)).toEqual([{ index: 0, path, message }]);
  });

  it('keeps free text exactly as sent, line breaks, emoji and tabs included', () => {
    const title = ' Linen shirt\t🧵\n(size M) ';
    const sut = validateBatch({ events: [{ ...event('a', '2026-11-25T10:00:00Z'), ...item({ title }) }] });
    expect(sut.ok && sut.events[0]?.cart?.items[0]?.title).toBe(title);
  });

  it('accepts an instant within the skew and one just inside the age window', () => {
    expect(detailsOf({ occurredAt: '2026-11-25T12:04:59Z' })).toEqual([]);
    expect(detailsOf({ occurredAt: '2026-10-26T12:00:00Z' })).toEqual([]);
  });

  it('accepts http item URLs outside production and refuses them in production', () => {
    const patch = item({ url: 'http://shop.example/p/1', imageUrl: 'HTTP://shop.example/p/1.png' });
    expect(detailsOf(patch)).toEqual([]);
    expect(detailsOf(patch, { httpsOnly: true })).toEqual([
      { index: 0, path: 'cart.items.0.url', message: 'must be an https URL' },
      { index: 0, path: 'cart.items.0.imageUrl', message: 'must be an https URL' },
    ]);
    expect(detailsOf(item({ url: 'HTTPS://shop.example/p/1' }), { httpsOnly: true })).toEqual([]);
  });

  it.each([
    ['ada@exämple.com', 'ada@xn--exmple-cua.com'],
    ['jösé@example.com', 'jösé@example.com'],
    ['Ada@EXAMPLE.com', 'Ada@example.com'],
    ['用户@例子.广告', '用户@xn--fsqu00a.xn--4rr70v'],
  ])('accepts the internationalised address %s as %s', (email, normalised) => {
    const sut = validateBatch({ events: [{ ...event('a', '2026-11-25T10:00:00Z'), customer: { email } }] });
    expect(sut.ok && sut.events[0]?.customer?.email).toBe(normalised);
  });

  it.each([
    'plain',
    '@example.com',
    'a@',
    'a b@example.com',
    '"quoted"@example.com',
    'a..b@example.com',
    'a@[192.0.2.1]',
    'a@localhost',
    'a@-x.com',
  ])('refuses the address %s', (email) => {
    expect(detailsOf({ customer: { email } }).map((d) => d.path)).toEqual(['customer.email']);
  });

  it.each([
    ['https://127.0.0.1/push', 'ip_literal'],
    ['https://push.example:8443/x', 'port_not_443'],
    ['https://localhost/x', 'internal_host'],
    ['https://[::1]/x', 'ip_literal'],
  ])('refuses the web push endpoint %s (%s)', (endpoint, why) => {
    const patch = { push: { webPush: { endpoint, keys: { p256dh: 'k', auth: 'a' } } } };
    expect(detailsOf(patch)).toEqual([
      { index: 0, path: 'push.webPush.endpoint', message: `is not a push service we may contact (${why})` },
    ]);
  });

  it('accepts a public push service endpoint and refuses an http one', () => {
    const webPush = {
      endpoint: 'https://updates.push.services.mozilla.com/wpush/v2/abc',
      keys: { p256dh: 'k', auth: 'a' },
    };
    expect(detailsOf({ push: { webPush } })).toEqual([]);
    expect(detailsOf({ push: { webPush: { ...webPush, endpoint: 'http://push.example/x' } } })).toEqual([
      { index: 0, path: 'push.webPush.endpoint', message: 'must be an https URL' },
    ]);
  });
});

describe(dedupeAndOrder.name, () => {
  it('keeps the first copy of a repeated id and orders by occurredAt, stable for ties', () => {
    const a = event('a', '2026-11-25T10:00:02Z');
    const b = event('b', '2026-11-25T10:00:01Z');
    const c = event('c', '2026-11-25T10:00:01Z');
    const sut = validateBatch({ events: [a, b, { ...a, occurredAt: '2026-11-25T09:00:00Z' }, c] });
    if (!sut.ok) throw new Error('fixture invalid');
    const { unique, repeatsInBatch } = dedupeAndOrder(sut.events);
    expect(unique.map((e) => e.id)).toEqual(['b', 'c', 'a']);
    expect(repeatsInBatch).toBe(1);
  });

  it('compares instants, not strings, across offsets', () => {
    const sut = validateBatch({
      events: [event('paris', '2026-11-25T10:30:00+01:00'), event('utc', '2026-11-25T09:45:00Z')],
    });
    if (!sut.ok) throw new Error('fixture invalid');
    expect(dedupeAndOrder(sut.events).unique.map((e) => e.id)).toEqual(['paris', 'utc']);
  });
});
