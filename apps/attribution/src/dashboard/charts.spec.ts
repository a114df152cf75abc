import { bandChart, barChart, stepChart } from './charts';

/** Tags balance (every opened element closed, in order): enough to tell a truncated or mis-nested SVG. */
function expectBalanced(markup: string): void {
  const stack: string[] = [];
  for (const [, closing, name, selfClosing] of markup.matchAll(/<(\/?)([a-zA-Z][\w:-]*)[^>]*?(\/?)\s*>/g)) {
    if (selfClosing) continue;
    if (closing) expect(stack.pop()).toBe(name);
    else stack.push(name!);
  }
  expect(stack).toEqual([]);
}

/** The markup with whitespace runs squashed and none before a tag's end (the templates are prettier-formatted). */
const squash = (markup: { value: string }): string => markup.value.replace(/\s+/g, ' ').replace(/\s+(\/?>)/g, '$1');

const texts = (svg: string): string[] =>
  [...svg.matchAll(/<text[^>]*>([^<]*)<\/text\s*>/g)].map((m) => m[1]!.replace(/\s+/g, ' ').trim());

describe('barChart', () => {
  const chart = squash(
    barChart({
      title: 'Funnel',
      desc: 'Abandoned 1,000; recovered 140',
      bars: [
        { label: 'Abandoned', value: 1000 },
        { label: 'Recovered', value: 140 },
      ],
      axisLabel: 'carts',
      format: (v) => v.toLocaleString('en'),
    }),
  );

  it('is an accessible SVG image with its title, description, labels and values as text', () => {
    expectBalanced(chart);
    expect(chart).toMatch(/^<svg [^>]*role="img"/);
    expect(chart).toContain('<title id="');
    expect(chart).toContain('>Funnel</title>');
    expect(chart).toContain('<desc id="');
    expect(texts(chart)).toEqual(expect.arrayContaining(['Abandoned', '1,000', 'Recovered', '140']));
    expect(texts(chart).some((t) => t.startsWith('carts'))).toBe(true);
  });

  it('scales bars to the largest value', () => {
    const widths = [...chart.matchAll(/<rect [^>]*width="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(widths).toHaveLength(2);
    expect(widths[1]! / widths[0]!).toBeCloseTo(0.14, 2);
  });

  it('says "no data yet" for no bars or only zeros, and draws nothing', () => {
    for (const bars of [[], [{ label: 'Abandoned', value: 0 }]]) {
      const empty = squash(barChart({ title: 'Funnel', desc: '', bars, axisLabel: 'carts' }));
      expect(empty).not.toContain('<svg');
      expect(empty).toContain('no data yet');
    }
  });

  it('escapes labels', () => {
    const svg = squash(barChart({ title: 'T<', desc: '"', bars: [{ label: '<b>x</b>', value: 1 }], axisLabel: 'a' }));
    expect(svg).not.toContain('<b>');
    expect(svg).toContain('&lt;b&gt;x&lt;/b&gt;');
    expectBalanced(svg);
  });
});

describe('stepChart', () => {
  const steps = [
    { label: '1 h', value: 0.25 },
    { label: '24 h', value: 0.75 },
    { label: '7 d', value: 1 },
  ];
  const chart = squash(
    stepChart({
      title: 'Time to recover',
      desc: 'cumulative',
      steps,
      xLabel: 'hours since abandonment',
      yLabel: 'share of recoveries',
      format: (v) => `${Math.round(v * 100)}%`,
    }),
  );

  it('draws a rising step path with a marked, labelled point per bucket and labelled axes', () => {
    expectBalanced(chart);
    expect(chart).toContain('>Time to recover</title>');
    expect(chart.match(/<circle /g)).toHaveLength(3);
    expect(texts(chart)).toEqual(
      expect.arrayContaining([
        '25%',
        '75%',
        '100%',
        '1 h',
        '24 h',
        '7 d',
        'hours since abandonment',
        'share of recoveries',
      ]),
    );
    const path = /<path d="([^"]+)"/.exec(chart)![1]!;
    // Each step: across to the bucket's end, then up to its share (smaller y is higher).
    const ys = [...path.matchAll(/V([\d.]+)/g)].map((m) => Number(m[1]));
    expect(ys).toEqual([...ys].sort((a, b) => b - a));
  });

  it('says "no data yet" without buckets or recoveries', () => {
    for (const none of [[], [{ label: '1 h', value: 0 }]]) {
      const empty = stepChart({
        title: 'Time to recover',
        desc: '',
        steps: none,
        xLabel: '',
        yLabel: '',
        format: String,
      });
      expect(empty.value).toContain('no data yet');
      expect(empty.value).not.toContain('<svg');
    }
  });
});

describe('bandChart', () => {
  const options = {
    title: 'Lift over time',
    desc: 'lift with band',
    xLabel: 'day',
    yLabel: 'lift, pp',
    bandLabel: 'always-valid 95 % interval',
    fixedLabel: 'fixed 95 % interval',
    format: (v: number) => `${(v * 100).toFixed(1)} pp`,
  };

  it('draws the band as a patterned area, the estimate, the zero line and the fixed interval dashed, with a legend', () => {
    const chart = squash(
      bandChart({
        ...options,
        points: [
          { label: '2025-03-01', estimate: 0.08, low: -0.4, high: 0.56, fixed: [-0.2, 0.36] },
          { label: '2025-03-30', estimate: 0.05, low: 0.004, high: 0.096, fixed: [0.011, 0.089] },
        ],
      }),
    );
    expectBalanced(chart);
    expect(chart).toContain('<pattern id="');
    expect(chart).toMatch(/<path d="M[^"]+Z" fill="url\(#c[0-9a-f]+-hatch\)"/);
    expect(chart.match(/stroke-dasharray/g)!.length).toBeGreaterThanOrEqual(2);
    expect(texts(chart)).toEqual(
      expect.arrayContaining([
        '0',
        '5.0 pp',
        '2025-03-01',
        '2025-03-30',
        'always-valid 95 % interval',
        'fixed 95 % interval',
        'estimate',
      ]),
    );
  });

  it('draws a single day as a band of its own width, not an empty path', () => {
    const chart = squash(
      bandChart({ ...options, points: [{ label: '2025-03-01', estimate: 0.02, low: -0.1, high: 0.14 }] }),
    );
    expectBalanced(chart);
    expect(chart).toMatch(/<path d="M[\d.]+,[\d.]+H[\d.]+V[\d.]+H[\d.]+Z"/);
    expect(chart).not.toContain('fixed 95 % interval'); // no fixed interval given, none in the legend
  });

  it('says "no data yet" without points', () => {
    expect(bandChart({ ...options, points: [] }).value).toContain('Lift over time: no data yet.');
  });
});
