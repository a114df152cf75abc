import { derivedId, signToken, stableBucket, verifyToken } from './ids';

describe(signToken.name, () => {
  it('round-trips a payload and rejects any change to body or signature', () => {
    const token = signToken({ s: 'shop', n: 1 }, 'k1');
    expect(verifyToken(token, 'k1')).toEqual({ s: 'shop', n: 1 });
    const [body = '', mac = ''] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ s: 'other', n: 1 })).toString('base64url');
    expect(verifyToken(`${forged}.${mac}`, 'k1')).toBeUndefined();
    expect(verifyToken(`${body}.${mac.slice(1)}`, 'k1')).toBeUndefined();
    expect(verifyToken(token, 'k2')).toBeUndefined();
    expect(verifyToken('garbage', 'k1')).toBeUndefined();
  });
});

describe(stableBucket.name, () => {
  it('is deterministic and spreads evenly enough over 0..99', () => {
    expect(stableBucket('shop', 'cust-1')).toBe(stableBucket('shop', 'cust-1'));
    const buckets = Array.from({ length: 10_000 }, (_, i) => stableBucket('shop', `c${i}`));
    const under10 = buckets.filter((b) => b < 10).length;
    expect(Math.min(...buckets)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...buckets)).toBeLessThan(100);
    expect(under10).toBeGreaterThan(850);
    expect(under10).toBeLessThan(1150);
  });

  it('separates parts so that ("ab","c") and ("a","bc") differ', () => {
    expect(derivedId('ab', 'c')).not.toBe(derivedId('a', 'bc'));
  });
});
