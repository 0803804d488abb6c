/**
 * @module
 * Summaries of repeated measurements: benchmarks report the median and range of their rounds.
 */

/** The q-quantile of `xs` by the nearest rank below (q 0.5 of an even count: the upper middle). */
export function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? Number.NaN
}

export const median = (xs: number[]): number => quantile(xs, 0.5)

export type MedianRange = { median: number; min: number; max: number }

/** Median, minimum and maximum of `xs`. */
export const medianRange = (xs: number[]): MedianRange => ({
  median: median(xs),
  min: Math.min(...xs),
  max: Math.max(...xs),
})

/** "median (min–max)" with `digits` decimals, each value times `scale` first. */
export const formatRange = (s: MedianRange, digits: number, scale = 1): string =>
  `${(s.median * scale).toFixed(digits)} (${(s.min * scale).toFixed(digits)}–${(s.max * scale).toFixed(digits)})`
