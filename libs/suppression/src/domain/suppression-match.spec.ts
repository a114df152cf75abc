import { SuppressionScopes } from '@reclaim/contracts';
import { candidateScopes, caughtUp, judgeSuppression, type Recipient } from './suppression-match';

const at = (iso: string) => new Date(iso);
const recipient: Recipient = {
  storeId: 's1',
  cartId: 'c1',
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

  it('suppresses on the customer scope when the order came after the abandonment', () => {
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

  it('suppresses contact scopes always, e-mail case-insensitively', () => {
    const email = SuppressionScopes.email('s1', 'ann@example.com');
    expect(
      sut(recipient, [{ scope: email, reason: 'unsubscribed', suppressedAt: at('2020-01-01T00:00:00Z') }]),
    ).toMatchObject({
      suppressed: true,
      reason: 'unsubscribed',
    });
    const sms = SuppressionScopes.sms('s1', '+14155550100');
    expect(
      sut(recipient, [{ scope: sms, reason: 'sms_stop', suppressedAt: at('2020-01-01T00:00:00Z') }]),
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

describe(candidateScopes.name, () => {
  it('lists only the scopes the recipient has', () => {
    expect(candidateScopes({ storeId: 's', cartId: 'c' })).toEqual([SuppressionScopes.cart('s', 'c')]);
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
