/**
 * @module
 * Popularity bucket thresholds of the blend: measured at the terciles of the queries' engagement,
 * and rescaled when the sources are retrained on more events than they were measured on.
 */

import type { BlendParams } from '../../core/artifact'

/** Thresholds at the terciles of the queries' engagement (tail ≤ tailMax < torso ≤ torsoMax < head). */
export function tercileThresholds(engagementOfQueries: ArrayLike<number>): BlendParams['buckets'] {
  const sorted = Float64Array.from(engagementOfQueries).sort()
  if (sorted.length === 0) {
    return { tailMax: 0, torsoMax: 0 }
  }
  const at = (q: number): number =>
    sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!
  const tailMax = at(1 / 3)
  return { tailMax, torsoMax: Math.max(tailMax, at(2 / 3)) }
}

/**
 * Bucket thresholds were measured on a training slice of `fromEvents`; engagement counts grow
 * with the data, so scale them to a model trained on `toEvents`.
 */
export function scaleThresholds(
  blend: BlendParams,
  fromEvents: number,
  toEvents: number
): BlendParams {
  const scale = toEvents / Math.max(1, fromEvents)
  return {
    ...blend,
    buckets: {
      tailMax: Math.round(blend.buckets.tailMax * scale),
      torsoMax: Math.round(blend.buckets.torsoMax * scale),
    },
  }
}
