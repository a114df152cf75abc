/**
 * The two-sided asymptotic confidence sequence of Waudby-Smith, Arbour, Sinha, Kennedy & Ramdas,
 * "Time-uniform central limit theory and asymptotic confidence sequences" (Annals of Statistics,
 * 2024; arXiv:2103.06476 v7, eq. 9 for the half-width, eq. 161 for ρ), in the form GrowthBook's
 * sequential testing uses for the difference of two arms ("Sequential Testing", GrowthBook docs,
 * statistics/sequential; gbstats `sequential_rho` / `sequential_interval_halfwidth`):
 *
 *   half-width = σ̂ · √n · √( 2 (n ρ² + 1) / (n² ρ²) · ln( √(n ρ² + 1) / α ) )
 *   ρ          = √( (−2 ln α + ln(−2 ln α + 1)) / N* )
 *
 * where σ̂² is the variance of the estimator of the difference (so σ̂² · n is the per-unit variance
 * the paper's formula takes), n the units seen so far in both groups together, and N* the tuning
 * parameter: the total number of units at which the sequence is tightest. N* must be fixed before
 * looking at the data (per store), never tuned on what was observed.
 */

/** ρ for a two-sided sequence at level α, tightest at `tuning` units (N*). */
export function sequentialRho(alpha: number, tuning: number): number {
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must be in (0, 1), got ${alpha}`);
  if (!(tuning > 0 && Number.isFinite(tuning))) throw new RangeError(`tuning must be positive, got ${tuning}`);
  const twoLogInvAlpha = -2 * Math.log(alpha);
  return Math.sqrt((twoLogInvAlpha + Math.log(twoLogInvAlpha + 1)) / tuning);
}

/**
 * Half-width of the always-valid interval around an estimate whose variance is
 * `estimatorVariance`, after `n` units (both groups together).
 */
export function confidenceSequenceHalfWidth(
  estimatorVariance: number,
  n: number,
  alpha: number,
  tuning: number,
): number {
  return halfWidthForRho(estimatorVariance, n, alpha, sequentialRho(alpha, tuning));
}

/** The same, with ρ computed once by the caller (the bisection of lift.ts evaluates it often). */
export function halfWidthForRho(estimatorVariance: number, n: number, alpha: number, rho: number): number {
  if (!(n > 0)) throw new RangeError(`n must be positive, got ${n}`);
  const rho2 = rho * rho;
  const perUnitVariance = estimatorVariance * n;
  const nRho2 = n * rho2;
  return Math.sqrt(perUnitVariance * ((2 * (nRho2 + 1)) / (n * n * rho2)) * Math.log(Math.sqrt(nRho2 + 1) / alpha));
}
