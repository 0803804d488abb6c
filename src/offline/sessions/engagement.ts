/**
 * @module
 * How much each pin was engaged, in all and lately: the pin entries' `engagement` (popularity
 * buckets, the popular fallback, a blend feature) and `recentEngagement` (the blend's trend
 * feature).
 */

import type { Sessions } from './sessionize'

/**
 * Each pin's engagements, and those in the last `recentFraction` of the sessions' time span
 * (t ≥ last − recentFraction · (last − first)): the window is a share of the data's own span, so
 * it means the same for a week of logs as for years of them.
 */
export function countEngagement(
  sessions: Pick<Sessions, 'pins' | 'times'>,
  recentFraction: number,
  engagement: Int32Array,
  recentEngagement: Int32Array
): void {
  let first = Number.POSITIVE_INFINITY
  let last = Number.NEGATIVE_INFINITY
  for (const t of sessions.times) {
    first = Math.min(first, t)
    last = Math.max(last, t)
  }
  const from = last - recentFraction * (last - first)
  for (let k = 0; k < sessions.pins.length; k++) {
    const pin = sessions.pins[k]!
    engagement[pin]!++
    if (recentFraction > 0 && sessions.times[k]! >= from) {
      recentEngagement[pin]!++
    }
  }
}
