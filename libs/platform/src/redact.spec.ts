import { redactTokens } from './platform.module';

describe(redactTokens.name, () => {
  it.each([
    ['/r/eyJzIjoic2hvcCJ9.abc', '/r/[redacted]'],
    ['/unsubscribe/eyJlIjoiYUBiLmNvIn0.sig?x=1', '/unsubscribe/[redacted]?x=1'],
    ['/v1/events', '/v1/events'],
    ['/health', '/health'],
  ])('logs %s as %s', (url, logged) => {
    expect(redactTokens(url)).toBe(logged);
  });
});
