/**
 * @module
 * Sampling helpers for the synthetic world: Zipf weights, cumulative tables, heavy tails, ids.
 */

import { createRandom, type Random } from '../../core/random'

/**
 * An independent PRNG stream per generation stage, so changing how one stage draws numbers does
 * not reshuffle every later stage.
 */
export function streamOf(seed: number, stage: number): Random {
  return createRandom((Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(stage + 1, 0x85ebca6b)) >>> 0)
}

/** Zipf weights 1/(rank+1)^exponent for ranks 0..n-1. */
export function zipfWeights(n: number, exponent: number): Float64Array {
  const weights = new Float64Array(n)
  for (let rank = 0; rank < n; rank++) {
    weights[rank] = 1 / (rank + 1) ** exponent
  }
  return weights
}

/** Running sums of `weights`; the last entry is the total. */
export function cumulative(weights: ArrayLike<number>): Float64Array {
  const cdf = new Float64Array(weights.length)
  let total = 0
  for (let i = 0; i < weights.length; i++) {
    total += weights[i] ?? 0
    cdf[i] = total
  }
  return cdf
}

/** Index drawn with probability proportional to its weight, by binary search over `cdf`. */
export function pickCdf(cdf: Float64Array, random: Random): number {
  const target = random.next() * (cdf[cdf.length - 1] ?? 0)
  let lo = 0
  let hi = cdf.length - 1
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if ((cdf[mid] ?? 0) > target) {
      hi = mid
    } else {
      lo = mid + 1
    }
  }
  return lo
}

/** A uniformly chosen element of a non-empty list. */
export function pickOne<T>(items: readonly T[], random: Random): T {
  return items[random.int(items.length)] as T
}

/** Failures before the first success with probability `p`: mean (1 - p) / p. */
export function geometric(p: number, random: Random): number {
  return Math.floor(Math.log(1 - random.next()) / Math.log(1 - p))
}

/** Log-normal draw exp(N(0, sigma)) by Box-Muller: a moderate heavy tail for activity and sizes. */
export function logNormal(sigma: number, random: Random): number {
  const u = 1 - random.next()
  const v = random.next()
  return Math.exp(sigma * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v))
}

/** Rounds `x` up with probability equal to its fraction, so totals stay right on average. */
export function roundRandom(x: number, random: Random): number {
  const floor = Math.floor(x)
  return floor + (random.next() < x - floor ? 1 : 0)
}

/** Opaque hex id of `length` characters, unique within `taken` (collisions are re-drawn). */
export function uniqueHexId(
  prefix: string,
  length: number,
  random: Random,
  taken: Set<string>
): string {
  for (;;) {
    let hex = ''
    while (hex.length < length) {
      hex += random.int(0x1000000).toString(16).padStart(6, '0')
    }
    const id = prefix + hex.slice(0, length)
    if (!taken.has(id)) {
      taken.add(id)
      return id
    }
  }
}
