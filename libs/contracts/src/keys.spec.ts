import { shopperKey } from './keys';

describe(shopperKey.name, () => {
  const sut = shopperKey;

  it('is the customer id when known, else the email (case-insensitive), else the cart', () => {
    expect(sut('s1', 'c1', { id: 'u1', email: 'Ann@Example.com' })).toBe('customer:s1:u1');
    expect(sut('s1', 'c1', { email: 'Ann@Example.com' })).toBe('contact:email:s1:ann@example.com');
    expect(sut('s1', 'c1', {})).toBe('cart:s1:c1');
  });

  it('keeps stores apart', () => {
    expect(sut('s1', 'c1', { id: 'u1' })).not.toBe(sut('s2', 'c1', { id: 'u1' }));
  });
});
