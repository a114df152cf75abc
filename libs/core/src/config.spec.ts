import { z } from 'zod';
import { ConfigError } from './errors';
import { envBool, envInt, loadConfig } from './config';

describe(loadConfig.name, () => {
  const schema = z.object({
    PORT: envInt(3000, { min: 1, max: 65535 }),
    DATABASE_URL: z.string().startsWith('postgres://'),
    VERBOSE: envBool(false),
  });

  it('applies defaults and coerces strings', () => {
    expect(loadConfig(schema, { DATABASE_URL: 'postgres://x', VERBOSE: 'yes' })).toEqual({
      PORT: 3000,
      DATABASE_URL: 'postgres://x',
      VERBOSE: true,
    });
  });

  it('names every bad variable in one error', () => {
    let error: unknown;
    try {
      loadConfig(schema, { PORT: '99999', VERBOSE: 'maybe' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toMatch(/^PORT: /m);
    expect(problems).toMatch(/^DATABASE_URL: /m);
    expect(problems).toMatch(/^VERBOSE: /m);
  });
});
