import { FormatterCache } from './formatter-cache';

describe(FormatterCache.name, () => {
  it('builds a formatter once per key', () => {
    const sut = new FormatterCache<object>();
    let built = 0;
    const build = () => ({ n: ++built });
    expect(sut.get('en-GB', build)).toBe(sut.get('en-GB', build));
    expect(built).toBe(1);
  });

  it('stays within its limit however many distinct keys arrive', () => {
    const sut = new FormatterCache<number>(4);
    for (let i = 0; i < 100; i++) sut.get(`en-x-${i}`, () => i);
    expect(sut.size).toBeLessThanOrEqual(4);
    expect(sut.get('en-x-99', () => -1)).toBe(99); // the newest is kept
  });
});
