// The arithmetic of the report: medians and ranges of interleaved pairs, and percentiles of lags. Pure.

/** The middle value (the mean of the two middle ones for an even count); NaN for none. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export interface Spread {
  median: number;
  min: number;
  max: number;
}

/** Median and range of the values; NaNs for none. */
export function spread(values: readonly number[]): Spread {
  if (values.length === 0) return { median: Number.NaN, min: Number.NaN, max: Number.NaN };
  return { median: median(values), min: Math.min(...values), max: Math.max(...values) };
}

/** a / b, NaN when b is 0 or either is missing: a pair with a failed side has no ratio, never an infinite one. */
export function ratio(a: number | undefined, b: number | undefined): number {
  if (a === undefined || b === undefined || b === 0 || !Number.isFinite(a) || !Number.isFinite(b))
    return Number.NaN;
  return a / b;
}

/**
 * The ratio of each pair (pairs measured in the same round, side by side), then their median and range: a round
 * where the whole machine was slower moves both sides, so the ratio varies less than either rate.
 */
export function pairedRatios(a: readonly number[], b: readonly number[]): Spread {
  const ratios = a.map((x, i) => ratio(x, b[i])).filter((r) => !Number.isNaN(r));
  return spread(ratios);
}

export interface Percentiles {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentiles of the values (any order). */
export function percentiles(values: readonly number[]): Percentiles {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) =>
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? 0;
  return { count: sorted.length, p50: at(0.5), p99: at(0.99), max: sorted.at(-1) ?? 0 };
}
