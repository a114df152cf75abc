import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, DAY_MS, HOUR_MS } from '@reclaim/core';
import { BUILT_IN_DEFAULTS, parseRecoveryConfig, RecoveryConfig } from './recovery-config';

function problemsOf(json: unknown): string[] {
  try {
    parseRecoveryConfig(json, 'plans.json');
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe(RecoveryConfig.name, () => {
  it('has built-in defaults: checkout and cart plans, 30 days cooldown, incentive from email 3', () => {
    const sut = RecoveryConfig.builtIn();
    const store = sut.forStore('any-store');
    expect(store.segments.map((s) => s.name)).toEqual([
      'checkout-payment-error',
      'checkout-abandoner',
      'cart-abandoner',
    ]);
    expect(store.plans['checkout']?.touches.map((t) => [t.channel, t.offset])).toEqual([
      ['email', HOUR_MS],
      ['sms', 2 * HOUR_MS],
      ['email', 24 * HOUR_MS],
      ['email', 48 * HOUR_MS],
    ]);
    expect(store.incentives).toEqual({
      fromTouch: 3,
      firstTimeBuyersOnly: true,
      cooldown: 30 * DAY_MS,
      rotation: ['percent_10', 'free_shipping'],
    });
    expect(store.valueTiers['EUR']).toEqual({ low: 3000, high: 15000 });
  });
});

describe(parseRecoveryConfig.name, () => {
  it('accepts an empty file as the built-in defaults', () => {
    expect(parseRecoveryConfig({}).forStore('s1')).toEqual(RecoveryConfig.builtIn().defaults);
  });

  it('accepts the built-in defaults written out as a file', () => {
    expect(parseRecoveryConfig({ defaults: BUILT_IN_DEFAULTS }).defaults).toEqual(RecoveryConfig.builtIn().defaults);
  });

  it('parses the example file, with its store override', () => {
    const file = join(__dirname, '..', '..', '..', 'recovery-config.example.json');
    const sut = parseRecoveryConfig(JSON.parse(readFileSync(file, 'utf8')), file);
    const fashion = sut.forStore('store-fashion');
    expect(fashion.segments.map((s) => s.name)).toContain('checkout-high-value');
    expect(fashion.incentives.cooldown).toBe(60 * DAY_MS);
    expect(fashion.valueTiers).toEqual({ EUR: { low: 5000, high: 25000 } });
    expect(sut.forStore('another-store').segments).toEqual(RecoveryConfig.builtIn().defaults.segments);
  });

  it('replaces whole sections per store and keeps the rest from the defaults', () => {
    const sut = parseRecoveryConfig({
      defaults: { incentives: { cooldown: '7d' } },
      stores: { s2: { valueTiers: { USD: { low: 1000, high: 9000 } } } },
    });
    expect(sut.forStore('s2').valueTiers).toEqual({ USD: { low: 1000, high: 9000 } });
    expect(sut.forStore('s2').incentives.cooldown).toBe(7 * DAY_MS);
    expect(sut.forStore('s1').incentives).toMatchObject({ cooldown: 7 * DAY_MS, fromTouch: 3 });
  });

  it('names the path of every problem in one error', () => {
    const problems = problemsOf({
      defaults: {
        plans: {
          checkout: {
            touches: [
              { channel: 'email', offset: 'soon', template: 'reminder' },
              { channel: 'email', offset: '1h', template: 'welcome' },
              { channel: 'fax', offset: '1h', template: 'x' },
            ],
          },
          cart: { touches: [{ channel: 'email', offset: '1h', template: 'reminder', incentive: 'percent_50' }] },
        },
        valueTiers: { EUR: { low: 20000, high: 100 } },
      },
      stores: { s1: { colour: 'red' } },
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^plans\.json: defaults\.plans\.checkout\.touches\.0\.offset: must be a duration/),
        expect.stringMatching(
          /^plans\.json: defaults\.plans\.checkout\.touches\.1\.template: email template must be one of reminder, reassurance, incentive/,
        ),
        expect.stringMatching(/^plans\.json: defaults\.plans\.checkout\.touches\.2\.channel: /),
        expect.stringMatching(/^plans\.json: defaults\.plans\.cart\.touches\.0\.incentive: /),
        expect.stringMatching(/^plans\.json: defaults\.valueTiers\.EUR: low must not exceed high/),
        expect.stringMatching(/^plans\.json: stores\.s1: .*colour/),
      ]),
    );
    expect(problems).toHaveLength(6);
  });

  it('requires known plans and a catch-all last segment, also after a store override', () => {
    const problems = problemsOf({
      defaults: { segments: [{ name: 'vip', when: { buyer: ['returning'] }, plan: 'vip' }] },
      stores: { s1: { plans: { other: { touches: [{ channel: 'email', offset: '1h', template: 'reminder' }] } } } },
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/defaults\.segments\.0\.plan: unknown plan "vip"/),
        expect.stringMatching(/defaults\.segments\.0\.when: the last segment must match every cart/),
        expect.stringMatching(/stores\.s1\.segments\.0\.plan: unknown plan "vip"/),
      ]),
    );
  });

  it('rejects unknown signal names and empty condition lists', () => {
    const problems = problemsOf({
      defaults: {
        angles: [
          { when: { mood: 'sad' }, angle: 'support' },
          { when: { buyer: [] }, angle: 'returns' },
          { when: {}, angle: 'discounts' },
        ],
      },
    });
    expect(problems).toEqual([
      expect.stringMatching(/defaults\.angles\.0\.when: .*mood/),
      expect.stringMatching(/defaults\.angles\.1\.when\.buyer: must list at least one value/),
      expect.stringMatching(/defaults\.angles\.2\.angle: /),
    ]);
  });

  it('reports a file that is not an object', () => {
    expect(problemsOf([])).toEqual([expect.stringMatching(/^plans\.json: \(file\): /)]);
  });
});
