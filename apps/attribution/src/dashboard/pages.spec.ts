import { createHash } from 'node:crypto';
import type { LiftReport } from '../reports/recovery-report';
import { CONTENT_SECURITY_POLICY } from './layout';
import { headline, renderDashboard, renderSignIn, verdictWords } from './pages';
import { periodFromQuery, type Period } from './period';
import { sampleReport } from './sample-report';

const now = new Date('2025-03-31T10:00:00Z');
const period = periodFromQuery({ from: '2025-03-01', to: '2025-03-31' }, now) as Period;
/** Visible text, tags dropped and whitespace squashed (the templates are prettier-formatted). */
const text = (markup: { value: string }): string =>
  markup.value
    .replace(/<\/?(strong|span|a|small)\b[^>]*>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#x27;/g, "'")
    .replace(/\s+/g, ' ')
    .trim();

describe('headline', () => {
  const withLift = (lift: Partial<LiftReport>) => {
    const report = sampleReport();
    return sampleReport({ lift: { ...report.lift, ...lift } });
  };

  it('gives both recovery rates, the lift with its always-valid interval and the verdict in words', () => {
    expect(text(headline(sampleReport()))).toBe(
      'Messages work: significantly more carts recovered than without messages. ' +
        '15.0 % of carts recovered with messages vs 10.0 % held out: lift +5.0 pp (+0.4 to +9.6, always-valid 95 %). ' +
        'Recovered €1,234.50, incremental €456.00; Recovered $99.00, incremental $50.00. ' +
        'Return on cost: €11.40 incremental revenue per €1.00 spent (cost €40.00).',
    );
  });

  it.each([
    [
      { verdict: 'significant', absolute: -0.03, ci95: [-0.05, -0.01] },
      'Messages hurt: significantly fewer carts recovered',
    ],
    [
      { verdict: 'not_yet_significant', absolute: 0.031, ci95: [-0.004, 0.066], moreAbandonmentsNeeded: 1200 },
      'Not significant yet: the interval still includes zero; about 1,200 more abandoned carts needed.',
    ],
    [
      { verdict: 'not_yet_significant', moreAbandonmentsNeeded: null },
      'Not significant yet: the interval still includes zero.',
    ],
    [{ verdict: 'no_holdout' }, 'No hold-out group: lift cannot be measured'],
    [{ verdict: 'not_enough_data' }, 'Not enough data yet: too few abandoned carts'],
  ] as const)('words the verdict %j', (lift, words) => {
    const line = text(headline(withLift(lift as Partial<LiftReport>)));
    expect(line).toContain(words);
    expect(line.startsWith(verdictWords({ ...sampleReport().lift, ...(lift as Partial<LiftReport>) }).label)).toBe(
      true,
    );
  });

  it('writes an interval that straddles zero with real minus signs', () => {
    const line = text(headline(withLift({ verdict: 'not_yet_significant', absolute: 0.031, ci95: [-0.004, 0.066] })));
    expect(line).toContain('lift +3.1 pp (−0.4 to +6.6, always-valid 95 %)');
  });

  it('without a hold-out gives the treated rate alone, no lift interval', () => {
    const line = text(headline(withLift({ verdict: 'no_holdout' })));
    expect(line).toContain('15.0 % of messaged-group carts recovered (no hold-out to compare with)');
    expect(line).not.toContain('always-valid');
  });

  it('never sums currencies: each is shown on its own', () => {
    const line = text(headline(sampleReport()));
    expect(line).toContain('€1,234.50');
    expect(line).toContain('$99.00');
    // The sum of the two (1,333.50) appears nowhere, in either currency.
    expect(line).not.toMatch(/1,333\.5/);
  });

  it('says "no costs set" when the store has no message costs', () => {
    const report = sampleReport();
    const line = text(headline({ ...report, cost: { ...report.cost, total: 0, incrementalRevenuePerCost: null } }));
    expect(line).toContain('Return on cost: no costs set.');
  });

  it('formats minor units by the currency’s own digits', () => {
    const report = sampleReport();
    const revenue = { JPY: { ...report.revenue['EUR']!, recovered: 12_345, incremental: 2_000 } };
    expect(text(headline({ ...report, revenue }))).toContain('Recovered ¥12,345, incremental ¥2,000.');
  });

  it('says so when there were no abandoned carts', () => {
    const report = sampleReport({ abandoned: 0, revenue: {} });
    const line = text(headline({ ...report, lift: { ...report.lift, verdict: 'not_enough_data' } }));
    expect(line).toContain('No abandoned carts in this period yet. No recovered revenue yet.');
  });
});

describe('renderDashboard', () => {
  const page = renderDashboard(sampleReport(), period, now).value;

  it('shows the sections in order: headline, funnel, channels, decay, lift, breakdowns, deliverability, explain', () => {
    const order = ['topline', 'funnel', 'channels', 'decay', 'lift', 'breakdowns', 'deliverability', 'explain'].map(
      (id) => page.indexOf(`id="${id}"`),
    );
    expect(order.every((at) => at > 0)).toBe(true);
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });

  it('shows the lift per cart currency when the store sells in more than one', () => {
    const base = sampleReport();
    const one = (treatedRate: number, verdictText: string) => ({
      treated: { ...base.lift.treated, rate: treatedRate },
      holdout: base.lift.holdout,
      absolute: treatedRate - base.lift.holdout.rate,
      ci95: [0.01, 0.09] as [number, number],
      fixedCi95: [0.02, 0.08] as [number, number],
      verdict: 'significant' as const,
      verdictText,
    });
    const two = renderDashboard(
      sampleReport({
        lift: { ...base.lift, byCurrency: { GBP: one(0.12, 'GBP verdict'), EUR: one(0.16, 'EUR verdict') } },
      }),
      period,
      now,
    ).value;
    const section = text({ value: /id="lift"[\s\S]*?<\/section>/.exec(two)![0] });
    expect(section).toMatch(/By cart currency/);
    expect(section.indexOf('EUR verdict')).toBeLessThan(section.indexOf('GBP verdict'));
    expect(page).not.toContain('By cart currency'); // one currency: the lift above says it all
  });

  it('escapes what the store controls (segment names)', () => {
    expect(page).not.toContain('<script>alert(1)</script>');
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).not.toMatch(/<script/i);
  });

  it('flags a bounce rate over 2 % and complaints over 0.1 % in words', () => {
    const deliverability = text({ value: /id="deliverability"[\s\S]*?<\/section>/.exec(page)![0] });
    expect(deliverability).toMatch(/Bounced 45 3\.0 % ⚠ High: above 2\.0 %/);
    expect(deliverability).toMatch(/Complaints 1 0\.1 % OK/); // 0.067 %: under the limit
    const report = sampleReport();
    const worse = renderDashboard(
      {
        ...report,
        deliverability: {
          ...report.deliverability,
          rates: { ...report.deliverability.rates, complained: 0.002, bounced: 0.01 },
        },
      },
      period,
      now,
    );
    const flagged = text({ value: /id="deliverability"[\s\S]*?<\/section>/.exec(worse.value)![0] });
    expect(flagged).toMatch(/Complaints 1 0\.2 % ⚠ High: above 0\.1 %/);
    expect(flagged).toMatch(/Bounced 45 1\.0 % OK/);
  });

  it('keeps revenue per currency in the channel table', () => {
    expect(text({ value: /id="channels"[\s\S]*?<\/section>/.exec(page)![0] })).toContain(
      'sms 400 60 30 €300.00 · $99.00 25.0 % €30.00',
    );
  });

  it('links the CSV for the period, the API docs and the cart explainer', () => {
    expect(page).toContain(
      'href="/v1/reports/recovery.csv?from&#x3D;2025-03-01T00%3A00%3A00.000Z&amp;to&#x3D;2025-03-31T10%3A00%3A00.000Z"',
    );
    expect(page).toContain('href="/docs"');
    expect(page).toMatch(/<form method="get" action="\/carts">/);
  });

  it('draws each chart or says there is no data yet, never a broken chart', () => {
    expect(page.match(/<svg/g)).toHaveLength(3);
    const empty = renderDashboard(
      sampleReport({
        abandoned: 0,
        messaged: 0,
        clicked: 0,
        recovered: 0,
        byChannel: [],
        breakdown: [],
        liftOverTime: [],
        timeToRecover: { medianHours: null, buckets: [] },
      }),
      period,
      now,
    ).value;
    expect(empty).not.toContain('<svg');
    for (const what of ['Funnel', 'By channel', 'Time to recover', 'Lift over time', 'Segment', 'Country'])
      expect(empty).toContain(`${what}: no data yet.`);
  });

  it('has no script and loads nothing from elsewhere', () => {
    expect(page).not.toMatch(/<script|<link|<img|src=|https?:\/\/(?!www\.w3\.org\/2000\/svg)/i);
  });
});

describe('renderSignIn', () => {
  it('is a password form that posts the key, with the message when given', () => {
    const page = renderSignIn('That key was not accepted.').value.replace(/\s+/g, ' ');
    expect(page).toMatch(/<form method="post" action="\/signin">/);
    expect(page).toMatch(/<input id="key" name="key" type="password" autocomplete="off"/);
    expect(page).toContain('role="alert">That key was not accepted.</p>');
  });
});

describe('the style sheet and the Content-Security-Policy', () => {
  it('allows exactly the page’s one style element, by its hash', () => {
    const page = renderSignIn().value;
    const styles = [...page.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((m) => m[1]!);
    expect(styles).toHaveLength(1);
    const hash = createHash('sha256').update(styles[0]!).digest('base64');
    expect(CONTENT_SECURITY_POLICY).toContain(`style-src 'sha256-${hash}'`);
    expect(page).not.toMatch(/ style="/);
  });
});
