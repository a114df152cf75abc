import { newIncentiveCode } from './incentive-code';

describe(newIncentiveCode.name, () => {
  it('has the prefix, two groups of four unambiguous symbols', () => {
    expect(newIncentiveCode('RC')).toMatch(/^RC-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/);
  });

  it('does not repeat across many draws', () => {
    const codes = new Set(Array.from({ length: 20_000 }, () => newIncentiveCode('RC')));
    expect(codes.size).toBe(20_000);
  });

  it('is derived from the random source only', () => {
    const fixed = () => Buffer.from([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(newIncentiveCode('X', fixed)).toBe('X-2345-6789');
  });
});
