import { halfWidthForRho, sequentialRho } from './confidence-sequence';
import { normalQuantile } from './normal-quantile';

/**
 * Reclaim's proof of value: the recovery rate of treated shoppers against the hold-out's, with an
 * interval the store owner may read every day. The method, in plain words, is in
 * docs/lift-methods.md; this file is pure arithmetic over per-group sums (no I/O).
 *
 * The unit of randomisation is the shopper, not the cart: a shopper who abandons three carts is
 * in one group for all three, and his carts are not independent. So each group's rate is a ratio
 * of sums over shoppers, Σ r_i / Σ n_i, and its variance comes from the delta method over
 * shoppers — which is why the inputs carry Σ n_i², Σ r_i² and Σ n_i r_i.
 */

/** Per-group sums over shoppers i (n_i abandoned carts, r_i recovered carts, v_i recovered revenue in minor units of one currency). */
export interface GroupSums {
  shoppers: number; // N
  carts: number; // Σ n_i
  recovered: number; // Σ r_i
  sumCartsSq: number; // Σ n_i²
  sumRecoveredSq: number; // Σ r_i²
  sumCartsRecovered: number; // Σ n_i r_i
}

/** variance of the rate estimator (delta method for a ratio of means; reduces to p(1-p)/n when every n_i = 1) */
export interface RateEstimate {
  rate: number;
  variance: number;
}

export type Verdict = 'significant' | 'not_yet_significant' | 'no_holdout' | 'not_enough_data';

export interface LiftResult {
  treatedRate: number;
  holdoutRate: number;
  /** treatedRate - holdoutRate; 0 when either group has no carts (there is nothing to compare). */
  absolute: number;
  /** absolute / holdoutRate (null if holdoutRate is 0, or either group has no carts) */
  relative: number | null;
  /**
   * ALWAYS-VALID 95 % interval on the absolute difference (the verdict uses this), clamped to
   * [-1, 1]; [-1, 1] itself below the minimum data. Centred on the small-sample-adjusted
   * difference (see adjustedInterval), which for small groups sits slightly nearer 0 than `absolute`.
   */
  ci95: [number, number];
  /**
   * classical fixed-horizon 95 % (normal, Wald) interval on `absolute` with the plain delta-method
   * variances, for comparison only: valid for one look at a sample size fixed in advance, not for
   * daily reading, and too narrow when a group has almost no recoveries. [-1, 1] below the minimum data.
   */
  fixedCi95: [number, number];
  method: string;
  verdict: Verdict;
  /** For not_yet_significant: about how many more abandonments (both groups together, at the current split and rates) until the always-valid interval would exclude 0 if the observed difference held; null if the difference is 0 or cannot be estimated. */
  moreAbandonmentsNeeded: number | null;
  /** The verdict in plain words: "significant", "not yet significant (about N more abandonments needed at the current rates)", "no hold-out", "not enough data". */
  verdictText: string;
}

export interface LiftOptions {
  /** 1 − confidence; 0.05 gives the 95 % intervals. */
  alpha?: number;
  /** Fewest abandoned carts per group before any verdict; below it: 'not_enough_data'. */
  minPerGroup?: number;
  /** N*: shoppers (both groups together) at which the always-valid interval is tightest. */
  tuning?: number;
}

export const LIFT_DEFAULTS = {
  alpha: 0.05,
  /**
   * 30 carts per group: the usual floor for a normal approximation of a proportion, and at a
   * 10 % hold-out and ~40–100 abandonments a day the hold-out reaches it in 3–8 days. Below it
   * the intervals would be dominated by noise in the variance estimate itself.
   */
  minPerGroup: 30,
  /**
   * N* = 2,000 shoppers: about a month of a store with 40–100 abandonments a day, when owners
   * judge whether Reclaim pays. GrowthBook defaults to 5,000 users; the sequence is valid for any
   * fixed N*, only its width near the decision depends on it (docs/lift-methods.md).
   */
  tuning: 2000,
} as const;

export const LIFT_METHOD =
  'asymptotic confidence sequence (Waudby-Smith et al. 2023), delta-method variance per shopper';

/** 1300 → "1,300" (one formatter: building one per call is slow). */
const THOUSANDS = new Intl.NumberFormat('en-US');

/** Beyond this many abandonments (both groups) we do not promise a verdict. */
const MAX_ABANDONMENTS = 1e8;

/**
 * The group's recovery rate Σ r_i / Σ n_i and the delta-method variance of that ratio of means:
 * Var ≈ Σ (r_i − R n_i)² / (Σ n_i)², expanded into the sums we keep
 * (Σ r_i² − 2 R Σ n_i r_i + R² Σ n_i²). With every n_i = 1 it is R (1 − R) / N.
 * An empty group has rate 0 and variance 0.
 */
export function ratioEstimate(g: GroupSums): RateEstimate {
  assertGroupSums(g);
  return estimate(g);
}

function estimate(g: GroupSums): RateEstimate {
  if (g.carts === 0) return { rate: 0, variance: 0 };
  const rate = g.recovered / g.carts;
  const residualSq = g.sumRecoveredSq - 2 * rate * g.sumCartsRecovered + rate * rate * g.sumCartsSq;
  // Rounding can take an exactly-zero residual a hair below zero.
  return { rate, variance: Math.max(0, residualSq) / (g.carts * g.carts) };
}

export function lift(treated: GroupSums, holdout: GroupSums, options: LiftOptions = {}): LiftResult {
  const alpha = options.alpha ?? LIFT_DEFAULTS.alpha;
  const minPerGroup = options.minPerGroup ?? LIFT_DEFAULTS.minPerGroup;
  const tuning = options.tuning ?? LIFT_DEFAULTS.tuning;
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must be in (0, 1), got ${alpha}`);
  if (!(minPerGroup >= 0 && Number.isFinite(minPerGroup))) {
    throw new RangeError(`minPerGroup must be a non-negative number, got ${minPerGroup}`);
  }
  if (!(tuning > 0 && Number.isFinite(tuning))) throw new RangeError(`tuning must be positive, got ${tuning}`);

  const t = ratioEstimate(treated);
  const h = ratioEstimate(holdout);
  const comparable = treated.carts > 0 && holdout.carts > 0;
  const absolute = comparable ? t.rate - h.rate : 0;
  const relative = comparable && h.rate > 0 ? absolute / h.rate : null;
  const base = { treatedRate: t.rate, holdoutRate: h.rate, absolute, relative, method: LIFT_METHOD };

  const undecided = (verdict: 'no_holdout' | 'not_enough_data'): LiftResult => ({
    ...base,
    ci95: [-1, 1],
    fixedCi95: [-1, 1],
    verdict,
    moreAbandonmentsNeeded: null,
    verdictText: verdict === 'no_holdout' ? 'no hold-out' : 'not enough data',
  });
  if (holdout.shoppers === 0) return undecided(treated.shoppers === 0 ? 'not_enough_data' : 'no_holdout');
  const tooSmall = (g: GroupSums) => g.shoppers < 2 || g.carts < minPerGroup || g.carts === 0;
  if (tooSmall(treated) || tooSmall(holdout)) return undecided('not_enough_data');

  const rho = sequentialRho(alpha, tuning);
  const interval = (scale: number) => adjustedInterval(treated, holdout, scale, alpha, rho);
  const { centre, halfWidth } = interval(1);
  const ci95 = clampedInterval(centre, halfWidth);
  // The textbook (Wald) interval on the plain estimates: what a classical analysis would show.
  const fixedCi95 = clampedInterval(absolute, normalQuantile(1 - alpha / 2) * Math.sqrt(t.variance + h.variance));

  if (excludesZero(ci95)) {
    return {
      ...base,
      ci95,
      fixedCi95,
      verdict: 'significant',
      moreAbandonmentsNeeded: null,
      verdictText: 'significant',
    };
  }
  const more = absolute === 0 ? null : moreAbandonmentsNeeded(interval, treated.carts + holdout.carts);
  return {
    ...base,
    ci95,
    fixedCi95,
    verdict: 'not_yet_significant',
    moreAbandonmentsNeeded: more,
    verdictText:
      more === null
        ? 'not yet significant'
        : `not yet significant (about ${THOUSANDS.format(more)} more abandonments needed at the current rates)`,
  };
}

interface AdjustedInterval {
  centre: number;
  variance: number;
  halfWidth: number;
}

/**
 * The interval's centre and variance come from each group's sums plus one recovered and one
 * unrecovered single-cart pseudo-shopper (Agresti & Caffo 2000, "Simple and effective confidence
 * intervals for proportions and differences of proportions result from adding two successes and
 * two failures", The American Statistician 54(4)); with every n_i = 1 centre and variance are
 * exactly theirs. Without it a hold-out with 0–2 recoveries has a near-zero plug-in variance and
 * the interval is far too narrow: in a no-effect simulation like lift-peeking.spec.ts's the
 * always-valid verdict called about 7 % of stores significant (even with the variance floored at
 * half a recovery) instead of at most 5 %; with it, 2.5 %. The adjustment fades as data
 * grows, and `absolute` stays the plain difference of rates.
 *
 * `scale` multiplies the observed sums (k times the shoppers at the same split, rates and
 * per-shopper spread) for the projection of moreAbandonmentsNeeded; 1 is the data as it is.
 */
function adjustedInterval(
  treated: GroupSums,
  holdout: GroupSums,
  scale: number,
  alpha: number,
  rho: number,
): AdjustedInterval {
  const t = estimate(withPseudoShoppers(treated, scale));
  const h = estimate(withPseudoShoppers(holdout, scale));
  const variance = t.variance + h.variance;
  const shoppers = scale * (treated.shoppers + holdout.shoppers);
  return {
    centre: t.rate - h.rate,
    variance,
    halfWidth: halfWidthForRho(variance, shoppers, alpha, rho),
  };
}

function withPseudoShoppers(g: GroupSums, scale: number): GroupSums {
  return {
    shoppers: scale * g.shoppers + 2,
    carts: scale * g.carts + 2,
    recovered: scale * g.recovered + 1,
    sumCartsSq: scale * g.sumCartsSq + 2,
    sumRecoveredSq: scale * g.sumRecoveredSq + 1,
    sumCartsRecovered: scale * g.sumCartsRecovered + 1,
  };
}

function excludesZero([low, high]: [number, number]): boolean {
  return low > 0 || high < 0;
}

function clampedInterval(centre: number, halfWidth: number): [number, number] {
  return [Math.max(-1, centre - halfWidth), Math.min(1, centre + halfWidth)];
}

/**
 * Grow both groups by the same factor k (current split, rates and per-shopper spread kept) and
 * find by bisection the smallest k at which the always-valid interval, computed exactly as for
 * the verdict, excludes 0. As k grows the variance falls like 1/k, the half-width falls
 * monotonically (for α < 0.6) and the centre moves towards the observed difference, so there is
 * one crossing unless the small-sample adjustment flips the centre's sign (tiny groups; the
 * answer is then rougher). k = 1 is the current, not significant, data: the answer is always > 0.
 */
function moreAbandonmentsNeeded(interval: (scale: number) => AdjustedInterval, totalCarts: number): number | null {
  const significantAt = (k: number) => {
    const { centre, halfWidth } = interval(k);
    return excludesZero([centre - halfWidth, centre + halfWidth]);
  };
  let low = 1;
  let high = MAX_ABANDONMENTS / totalCarts;
  if (high <= low || !significantAt(high)) return null;
  // Half an abandonment is precision enough for a number rounded to two significant figures.
  while ((high - low) * totalCarts > 0.5) {
    const mid = (low + high) / 2;
    if (significantAt(mid)) high = mid;
    else low = mid;
  }
  return roundUpToTwoSignificantFigures(high * totalCarts - totalCarts);
}

/** 1,234 → 1,300; 99 → 99; 7 → 7 (never below 1: more is needed). */
export function roundUpToTwoSignificantFigures(x: number): number {
  const n = Math.max(1, Math.ceil(x));
  if (n < 100) return n;
  const unit = 10 ** (Math.floor(Math.log10(n)) - 1);
  return Math.ceil(n / unit) * unit;
}

function assertGroupSums(g: GroupSums): void {
  const fields = ['shoppers', 'carts', 'recovered', 'sumCartsSq', 'sumRecoveredSq', 'sumCartsRecovered'] as const;
  for (const field of fields) {
    if (!(Number.isFinite(g[field]) && g[field] >= 0)) {
      throw new RangeError(`GroupSums.${field} must be a finite non-negative number, got ${g[field]}`);
    }
  }
  if (g.recovered > g.carts) throw new RangeError(`GroupSums: recovered (${g.recovered}) exceeds carts (${g.carts})`);
  if (g.carts < g.shoppers) throw new RangeError(`GroupSums: fewer carts (${g.carts}) than shoppers (${g.shoppers})`);
  if (g.shoppers === 0 && g.carts > 0) throw new RangeError(`GroupSums: ${g.carts} carts without shoppers`);
}
