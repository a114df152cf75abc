import { explainTimeline, type ReadEntry } from './explain';

const entry = (
  id: string,
  at: string,
  kind: ReadEntry['kind'],
  text: string,
  detail: Record<string, unknown> = {},
) => ({
  id,
  at: new Date(at),
  kind,
  text,
  detail,
});

describe(explainTimeline.name, () => {
  it('orders by time, then by the kind’s causal rank, then as stored', () => {
    const sut = explainTimeline([
      entry('10', '2026-01-15T12:15:00Z', 'decision', 'decided'),
      entry('9', '2026-01-15T12:15:00Z', 'abandoned', 'abandoned'),
      entry('2', '2026-01-15T12:00:00Z', 'cart', 'second'),
      entry('11', '2026-01-15T12:00:00Z', 'cart', 'third'),
      entry('1', '2026-01-15T12:00:00Z', 'cart', 'first'),
    ]);
    expect(sut.map((e) => e.text)).toEqual(['first', 'second', 'third', 'abandoned', 'decided']);
  });

  it('names the order in a cancellation, whichever was stored first', () => {
    const sut = explainTimeline([
      entry('1', '2026-01-15T14:02:12Z', 'delivery', 'email 3 cancelled: order completed', {
        touchId: 't-3',
        channel: 'email',
        sequence: 3,
        status: 'cancelled',
        reason: 'order_completed',
      }),
      entry('2', '2026-01-15T14:02:10Z', 'order', 'order o-123 …', {
        orderId: 'o-123',
        acknowledgedAt: '2026-01-15T14:02:11.400Z',
      }),
    ]);
    expect(sut.map((e) => e.text)).toEqual([
      'order o-123 …',
      'email 3 cancelled: order o-123 acknowledged 14:02:11 UTC',
    ]);
  });

  it('names the touch an incentive came with and the touch a recovery credits, from the plan', () => {
    const sut = explainTimeline([
      entry('1', '2026-01-15T12:15:00Z', 'decision', 'plan', {
        plan: [{ touchId: 't-2', channel: 'email', sequence: 2, offsetMs: 0, incentive: 'percent_10' }],
      }),
      entry('2', '2026-01-16T12:15:00Z', 'incentive', 'code X issued', {
        code: 'ABCD-1',
        kind: 'percent_10',
        touchId: 't-2',
        expiresAt: '2026-01-23T12:15:00Z',
      }),
      entry('3', '2026-01-16T13:00:00Z', 'recovery', 'recovered', {
        cartId: 'c1',
        orderId: 'o-1',
        revenue: 8000,
        currency: 'EUR',
        holdout: false,
        credit: 'clicked',
        attributedChannel: 'email',
        attributedTouchId: 't-2',
      }),
    ]);
    expect(sut.map((e) => e.text)).toEqual([
      'plan',
      'code ABCD-1 (10 % off) issued with email 2, expires 2026-01-23 12:15 UTC',
      'recovered: €80.00, credited to email 2 (clicked)',
    ]);
  });

  it('keeps a stored text whose detail it cannot read', () => {
    const sut = explainTimeline([entry('1', '2026-01-15T12:00:00Z', 'delivery', 'as stored', { status: 'odd' })]);
    expect(sut[0]?.text).toBe('as stored');
  });
});
