import { confidenceSequenceHalfWidth, sequentialRho } from './confidence-sequence';
import { normalQuantile } from './normal-quantile';

describe(confidenceSequenceHalfWidth.name, () => {
  // Fixtures of GrowthBook's own tests (growthbook/growthbook,
  // packages/stats/tests/frequentist/test_tests.py, class TestSequentialTTest), whose
  // SequentialTwoSidedTTest is the same asymptotic confidence sequence: the half-width is half
  // the width of their expected interval, the variance the square of their expected stddev.
  it("matches GrowthBook's test_sequential_test_runs (means, N* = 1,000)", () => {
    // stat_a n = 3000, stat_b n = 3461 → n = 6461; expected ci (-0.55844, 1.56516), stddev 0.33341.
    const halfWidth = confidenceSequenceHalfWidth(0.33341 ** 2, 6461, 0.05, 1000);
    expect(halfWidth).toBeCloseTo((1.56516 - -0.55844) / 2, 4);
  });

  it("matches GrowthBook's test_sequential_test_runs_prop (proportions, default N* = 5,000)", () => {
    // ProportionStatistic(sum=1396, n=3000) vs (sum=2422, n=3461), relative difference, so the
    // variance is GrowthBook's delta method for a ratio of means (gbstats TTest.variance):
    // var_b / (p_a² n_b) + var_a p_b² / (p_a⁴ n_a) with var = p (1 − p).
    // Expected: expected 0.50386, ci (0.40098, 0.60675), stddev 0.03386.
    const [pa, na, pb, nb] = [1396 / 3000, 3000, 2422 / 3461, 3461];
    const variance = (pb * (1 - pb)) / (pa * pa * nb) + (pa * (1 - pa) * pb * pb) / (pa ** 4 * na);
    expect(Math.sqrt(variance)).toBeCloseTo(0.03386, 5);
    expect(confidenceSequenceHalfWidth(variance, na + nb, 0.05, 5000)).toBeCloseTo((0.60675 - 0.40098) / 2, 4);
  });

  it('matches the formula evaluated by hand', () => {
    // σ̂² = 1e-4, n = 1,000, α = 0.05, N* = 2,000:
    //   ρ² = (−2 ln 0.05 + ln(−2 ln 0.05 + 1)) / 2000 = (5.991465 + 1.944690) / 2000 = 0.00396808
    //   n ρ² = 3.96808;  σ̂² n = 0.1
    //   ln(√4.96808 / 0.05) = ln(2.228919 / 0.05) = ln(44.5784) = 3.797250
    //   2 (n ρ² + 1) / (n² ρ²) = 9.93616 / 3968.08 = 0.00250402
    //   half-width = √(0.1 × 0.00250402 × 3.797250) = √0.000950839 = 0.0308357
    expect(sequentialRho(0.05, 2000) ** 2).toBeCloseTo(0.00396808, 8);
    expect(confidenceSequenceHalfWidth(1e-4, 1000, 0.05, 2000)).toBeCloseTo(0.0308357, 6);
  });

  it('is widest far from N* and tightest near it, always wider than the fixed interval', () => {
    // The same check as GrowthBook's test_sequential_test_tuning_as_expected, on the ratio to z·σ̂.
    const ratio = (n: number, tuning: number) =>
      confidenceSequenceHalfWidth(1 / n, n, 0.05, tuning) / (normalQuantile(0.975) * Math.sqrt(1 / n));
    expect(ratio(2000, 2000)).toBeLessThan(ratio(2000, 20));
    expect(ratio(2000, 2000)).toBeLessThan(ratio(2000, 200_000));
    for (const n of [10, 100, 2000, 1e6]) expect(ratio(n, 2000)).toBeGreaterThan(1);
  });

  it('refuses a meaningless α, N* or n', () => {
    expect(() => sequentialRho(0, 2000)).toThrow(RangeError);
    expect(() => sequentialRho(0.05, 0)).toThrow(RangeError);
    expect(() => confidenceSequenceHalfWidth(1e-4, 0, 0.05, 2000)).toThrow(RangeError);
  });
});

describe(normalQuantile.name, () => {
  // Reference values: R's qnorm (itself AS 241) printed with 16 digits.
  it.each([
    [0.5, 0],
    [0.975, 1.959963984540054],
    [0.995, 2.575829303548901],
    [0.3, -0.5244005127080407],
    [0.9999, 3.719016485455709],
    [1e-12, -7.034483825301132],
  ])('Φ⁻¹(%p) = %p', (p, z) => {
    expect(normalQuantile(p)).toBeCloseTo(z, 12);
  });

  it('refuses p outside (0, 1)', () => {
    expect(() => normalQuantile(0)).toThrow(RangeError);
    expect(() => normalQuantile(1)).toThrow(RangeError);
  });
});
