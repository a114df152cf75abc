import { dedupeAndOrder, validateBatch } from './batch';

const event = (id: string, occurredAt: string, extra: Record<string, unknown> = {}) => ({
  id,
  type: 'cart.viewed',
  occurredAt,
  cartId: 'c1',
  ...extra,
});

describe(validateBatch.name, () => {
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
