import { readUnsubscribeToken, unsubscribeToken } from './links';

describe(readUnsubscribeToken.name, () => {
  it('round-trips and refuses tampering', () => {
    const token = unsubscribeToken('secret-123', 's1', 'ann@example.com');
    expect(readUnsubscribeToken('secret-123', token)).toEqual({ storeId: 's1', email: 'ann@example.com' });
    expect(readUnsubscribeToken('secret-124', token)).toBeUndefined();
    expect(readUnsubscribeToken('secret-123', `${token}x`)).toBeUndefined();
  });
});
