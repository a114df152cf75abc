import { lift, ratioEstimate, roundUpToTwoSignificantFigures, type GroupSums, type LiftResult } from './lift';

/** A group in which every shopper abandoned exactly one cart (the plain two-proportion case). */
function singleCarts(carts: number, recovered: number): GroupSums {
  return {
    shoppers: carts,
    carts,
    recovered,
    sumCartsSq: carts,
    sumRecoveredSq: recovered,
    sumCartsRecovered: recovered,
  };
}

function scaled(g: GroupSums, k: number): GroupSums {
  return {
    shoppers: g.shoppers * k,
    carts: g.carts * k,
    recovered: g.recovered * k,
    sumCartsSq: g.sumCartsSq * k,
    sumRecoveredSq: g.sumRecoveredSq * k,
    sumCartsRecovered: g.sumCartsRecovered * k,
  };
}

function expectNoNaN(result: LiftResult): void {
  const numbers = [
    result.treatedRate,
    result.holdoutRate,
    result.absolute,
    result.relative ?? 0,
    ...result.ci95,
    ...result.fixedCi95,
    result.moreAbandonmentsNeeded ?? 0,
  ];
  for (const x of numbers) expect(Number.isFinite(x)).toBe(true);
  for (const [low, high] of [result.ci95, result.fixedCi95]) {
    expect(low).toBeGreaterThanOrEqual(-1);
    expect(high).toBeLessThanOrEqual(1);
    expect(low).toBeLessThanOrEqual(high);
  }
}

describe(ratioEstimate.name, () => {
  it('is the two-proportion p(1 − p)/n when every shopper has one cart', () => {
    // 30 of 200 recovered: p = 0.15, p(1 − p)/n = 0.15 × 0.85 / 200 = 0.0006375.
    expect(ratioEstimate(singleCarts(200, 30))).toEqual({ rate: 0.15, variance: expect.closeTo(0.0006375, 12) });
  });

  it('uses the spread over shoppers when shoppers have several carts', () => {
    // Shoppers (n_i, r_i): A (2, 2), B (1, 0), C (3, 1), D (1, 1).
    //   N = 4, Σn = 7, Σr = 4, Σn² = 4+1+9+1 = 15, Σr² = 4+0+1+1 = 6, Σnr = 4+0+3+1 = 8.
    //   R = 4/7; residuals r_i − R n_i: A 6/7, B −4/7, C −5/7, D 3/7 (they sum to 0);
    //   Σ residual² = (36+16+25+9)/49 = 86/49 (= Σr² − 2RΣnr + R²Σn² = 6 − 64/7 + 240/49);
    //   Var(R̂) = Σ residual² / (Σn)² = (86/49) / 49 = 86/2401 ≈ 0.035818.
    // The per-cart formula would say (4/7)(3/7)/7 = 12/343 ≈ 0.034985: too small here.
    const sums: GroupSums = {
      shoppers: 4,
      carts: 7,
      recovered: 4,
      sumCartsSq: 15,
      sumRecoveredSq: 6,
      sumCartsRecovered: 8,
    };
    const estimate = ratioEstimate(sums);
    expect(estimate.rate).toBeCloseTo(4 / 7, 12);
    expect(estimate.variance).toBeCloseTo(86 / 2401, 12);
    expect(estimate.variance).toBeGreaterThan(12 / 343);
  });

  it('gives rate 0 and variance 0 for an empty group', () => {
    expect(ratioEstimate(singleCarts(0, 0))).toEqual({ rate: 0, variance: 0 });
  });

  it('refuses sums that cannot come from shoppers', () => {
    expect(() => ratioEstimate(singleCarts(10, 11))).toThrow(/recovered/);
    expect(() => ratioEstimate({ ...singleCarts(10, 1), carts: Number.NaN })).toThrow(RangeError);
    expect(() => ratioEstimate({ ...singleCarts(10, 1), shoppers: 11 })).toThrow(/fewer carts/);
    expect(() => ratioEstimate({ ...singleCarts(0, 0), carts: 3 })).toThrow(/without shoppers/);
  });
});

describe(lift.name, () => {
  it('gives the textbook fixed interval for a difference of two proportions', () => {
    // OpenIntro Statistics (Diez, Çetinkaya-Rundel, Barr), "Difference of two proportions",
    // the CPR and blood-thinner study: 14 of 40 treated and 11 of 50 control patients survived.
    // Point estimate 0.35 − 0.22 = 0.13; SE = √(0.35·0.65/40 + 0.22·0.78/50) = 0.095496;
    // the book's interval 0.13 ± 1.96 × 0.095 = (−0.056, 0.316) uses the SE rounded to 0.095;
    // unrounded: 0.13 ± 1.959964 × 0.095496 = (−0.05717, 0.31717).
    const result = lift(singleCarts(40, 14), singleCarts(50, 11));
    expect(result.absolute).toBeCloseTo(0.13, 12);
    const [low, high] = result.fixedCi95;
    expect((low + high) / 2).toBeCloseTo(0.13, 12);
    expect((high - low) / 2 / 1.959964).toBeCloseTo(0.095496, 6);
    expect(low).toBeCloseTo(-0.05717, 5);
    expect(high).toBeCloseTo(0.31717, 5);
    // The always-valid interval is wider: a single look at 90 patients proves nothing here.
    expect(result.ci95[0]).toBeLessThan(low);
    expect(result.ci95[1]).toBeGreaterThan(high);
    expect(result.verdict).toBe('not_yet_significant');
  });

  it('computes the always-valid interval from the adjusted rates and the confidence sequence', () => {
    // 12 of 40 vs 8 of 50 (single carts), α = 0.05, N* = 2,000; by hand:
    //   adjusted rates (one recovered and one unrecovered pseudo-cart per group):
    //   13/42 = 0.3095238, 9/52 = 0.1730769 → centre 0.1364469;
    //   variance = 0.3095238·0.6904762/42 + 0.1730769·0.8269231/52 = 0.00508854 + 0.00275233 = 0.00784088;
    //   n = 90 shoppers; ρ² = 0.00396808, n ρ² = 0.357127; σ̂² n = 0.705679;
    //   2 (n ρ² + 1) / (n² ρ²) = 2.714254 / 32.14145 = 0.0844472;
    //   ln(√1.357127 / 0.05) = ln(23.29916) = 3.148417;
    //   half-width = √(0.705679 × 0.0844472 × 3.148417) = √0.187622 = 0.433154
    const result = lift(singleCarts(40, 12), singleCarts(50, 8));
    expect(result.ci95[0]).toBeCloseTo(0.1364469 - 0.433154, 5);
    expect(result.ci95[1]).toBeCloseTo(0.1364469 + 0.433154, 5);
    expect(result.absolute).toBeCloseTo(0.3 - 0.16, 12);
    expect(result.relative).toBeCloseTo(0.14 / 0.16, 12);
  });

  it('says significant when the always-valid interval excludes 0, in either direction', () => {
    const better = lift(singleCarts(20_000, 2_400), singleCarts(2_000, 160));
    expect(better).toMatchObject({ verdict: 'significant', verdictText: 'significant', moreAbandonmentsNeeded: null });
    expect(better.ci95[0]).toBeGreaterThan(0);
    expect(better.absolute).toBeCloseTo(0.04, 12);
    expect(better.relative).toBeCloseTo(0.5, 12);
    // The always-valid interval is the wider one.
    expect(better.ci95[0]).toBeLessThan(better.fixedCi95[0]);
    expect(better.ci95[1]).toBeGreaterThan(better.fixedCi95[1]);

    const worse = lift(singleCarts(20_000, 1_000), singleCarts(2_000, 160));
    expect(worse.verdict).toBe('significant');
    expect(worse.ci95[1]).toBeLessThan(0);
  });

  it('estimates the abandonments still needed, rounded up to two significant figures', () => {
    const treated = singleCarts(1_000, 100);
    const holdout = singleCarts(100, 8);
    const result = lift(treated, holdout);
    expect(result.verdict).toBe('not_yet_significant');
    const more = result.moreAbandonmentsNeeded;
    expect(more).not.toBeNull();
    if (more === null) return;
    expect(more).toBe(roundUpToTwoSignificantFigures(more));
    expect(result.verdictText).toBe(
      `not yet significant (about ${more.toLocaleString('en-US')} more abandonments needed at the current rates)`,
    );
    // The same store grown by that many abandonments at the same split and rates is significant;
    // grown by half as many it is not (the rounding adds less than 10 %).
    const total = treated.carts + holdout.carts;
    const grown = (extra: number) => lift(scaled(treated, 1 + extra / total), scaled(holdout, 1 + extra / total));
    expect(grown(more).verdict).toBe('significant');
    expect(grown(more / 2).verdict).toBe('not_yet_significant');
  });

  it('gives no estimate of what is needed when the difference is 0', () => {
    const result = lift(singleCarts(500, 40), singleCarts(50, 4));
    expect(result).toMatchObject({
      absolute: 0,
      verdict: 'not_yet_significant',
      moreAbandonmentsNeeded: null,
      verdictText: 'not yet significant',
    });
  });

  it('has relative null when the hold-out recovered nothing, and does not trust a zero variance', () => {
    // Hold-out 0 of 100: its plug-in variance is 0, so the classical interval is 0.1 ± 1.96·√(0.1·0.9/100)
    // = (0.0412, 0.1588) and would call this significant; the adjusted always-valid interval does not.
    const result = lift(singleCarts(100, 10), singleCarts(100, 0));
    expectNoNaN(result);
    expect(result.holdoutRate).toBe(0);
    expect(result.relative).toBeNull();
    expect(result.fixedCi95[0]).toBeCloseTo(0.0412, 4);
    expect(result.verdict).toBe('not_yet_significant');
    expect(result.ci95[0]).toBeLessThan(0);
  });

  it('has no verdict without a hold-out, and none without data', () => {
    const empty = singleCarts(0, 0);
    const noHoldout = lift(singleCarts(500, 50), empty);
    expectNoNaN(noHoldout);
    expect(noHoldout).toMatchObject({
      verdict: 'no_holdout',
      verdictText: 'no hold-out',
      treatedRate: 0.1,
      holdoutRate: 0,
      absolute: 0,
      relative: null,
      ci95: [-1, 1],
      fixedCi95: [-1, 1],
      moreAbandonmentsNeeded: null,
    });

    const nothing = lift(empty, empty);
    expectNoNaN(nothing);
    expect(nothing).toMatchObject({ verdict: 'not_enough_data', verdictText: 'not enough data', absolute: 0 });
    expect(lift(empty, singleCarts(50, 5)).verdict).toBe('not_enough_data');
  });

  it('waits for the minimum carts per group and at least two shoppers in each', () => {
    const below = lift(singleCarts(500, 50), singleCarts(29, 2));
    expectNoNaN(below);
    expect(below).toMatchObject({ verdict: 'not_enough_data', ci95: [-1, 1], fixedCi95: [-1, 1] });
    expect(below.absolute).toBeCloseTo(0.1 - 2 / 29, 12);
    expect(lift(singleCarts(500, 50), singleCarts(30, 2)).verdict).toBe('not_yet_significant');
    expect(lift(singleCarts(500, 50), singleCarts(29, 2), { minPerGroup: 20 }).verdict).toBe('not_yet_significant');

    // One shopper with 40 carts is one randomised unit: no spread to estimate.
    const oneShopper: GroupSums = {
      shoppers: 1,
      carts: 40,
      recovered: 4,
      sumCartsSq: 1600,
      sumRecoveredSq: 16,
      sumCartsRecovered: 160,
    };
    expect(lift(singleCarts(500, 50), oneShopper).verdict).toBe('not_enough_data');
  });

  it('clamps intervals to [-1, 1] and stays finite on tiny groups', () => {
    const result = lift(singleCarts(2, 2), singleCarts(2, 0), { minPerGroup: 2 });
    expectNoNaN(result);
    expect(result.absolute).toBe(1);
    expect(result.ci95[1]).toBe(1);
    expect(result.verdict).toBe('not_yet_significant');
    // Both plug-in variances are 0: the classical interval collapses onto the estimate.
    expect(result.fixedCi95).toEqual([1, 1]);

    const nothingRecovered = lift(singleCarts(40, 0), singleCarts(40, 0));
    expectNoNaN(nothingRecovered);
    expect(nothingRecovered).toMatchObject({ absolute: 0, relative: null, verdict: 'not_yet_significant' });
    expect(nothingRecovered.ci95[0]).toBeLessThan(0);
    expect(nothingRecovered.ci95[1]).toBeGreaterThan(0);
  });

  it('refuses meaningless options', () => {
    const [t, h] = [singleCarts(100, 10), singleCarts(100, 8)];
    expect(() => lift(t, h, { alpha: 0 })).toThrow(RangeError);
    expect(() => lift(t, h, { alpha: 1 })).toThrow(RangeError);
    expect(() => lift(t, h, { tuning: 0 })).toThrow(RangeError);
    expect(() => lift(t, h, { minPerGroup: -1 })).toThrow(RangeError);
  });
});

describe(roundUpToTwoSignificantFigures.name, () => {
  it.each([
    [1234, 1300],
    [1200, 1200],
    [10_001, 11_000],
    [99.2, 100],
    [57, 57],
    [7, 7],
    [0.3, 1],
  ])('%p → %p', (x, rounded) => {
    expect(roundUpToTwoSignificantFigures(x)).toBe(rounded);
  });
});
