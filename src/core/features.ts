/**
 * @module
 * Features of a (query pin, candidate) pair for the learned blend. The worker computes them per
 * request and the build fits the model on them, from this one definition.
 */

import {
  type Candidate,
  type LinearModel,
  type PinRecord,
  SOURCE_BIT,
  SOURCES,
  type SourceName,
} from './artifact/format'

/** Feature names, in vector order; stored in the manifest so a model fitted on others is rejected. */
export const FEATURE_NAMES = [
  ...SOURCES.map((s) => `score:${s}`),
  ...SOURCES.map((s) => `from:${s}`),
  ...SOURCES.map((s) => `relative:${s}`),
  ...SOURCES.map((s) => `score:${s}*log1p(query engagement)`),
  'log1p(query engagement)',
  'log1p(candidate engagement)',
  'sources proposing',
  // Format 3: what is trending at build time; real catalogues are seasonal.
  'log1p(candidate recent engagement)',
] as const

export const FEATURE_COUNT = FEATURE_NAMES.length

/**
 * What ranking reads of each candidate of one record, one typed array per field, so the build can
 * rank a pin's whole candidate union without an object per candidate; the worker fills the same
 * columns from decoded candidates. Both then score through the same functions.
 */
export type CandidateColumns = {
  count: number
  /** Per-source scores (sourceScores()), SOURCES order: candidate i at [i * SOURCES.length + j]. */
  scores: Float64Array
  /** Which sources proposed candidate i (SOURCE_BIT flags). */
  bits: Uint8Array
  /** The candidate pin's engagement. */
  engagement: Float64Array
  /** The candidate pin's recent engagement (PinEntry.recentEngagement). */
  recent: Float64Array
}

export const candidateColumns = (count: number): CandidateColumns => ({
  count,
  scores: new Float64Array(count * SOURCES.length),
  bits: new Uint8Array(count),
  engagement: new Float64Array(count),
  recent: new Float64Array(count),
})

/** Per-source maxima of the columns' scores (0 when no candidate scores above it). */
export function columnMaxima(cols: CandidateColumns): Record<SourceName, number> {
  const max: Record<SourceName, number> = { cooc: 0, pin2vec: 0, session: 0, walk: 0 }
  const n = SOURCES.length
  for (let i = 0; i < cols.count; i++) {
    for (let j = 0; j < n; j++) {
      const source = SOURCES[j]!
      max[source] = Math.max(max[source], cols.scores[i * n + j]!)
    }
  }
  return max
}

/**
 * Write the features of every candidate of `cols` into `out` (row-major, FEATURE_COUNT per
 * candidate). `max` are the per-source maxima the `relative:` features divide by: stored ones
 * (format v2: over the full candidate union, before the list was capped) or columnMaxima().
 */
export function columnFeatures(
  queryEngagement: number,
  max: Readonly<Record<SourceName, number>>,
  cols: CandidateColumns,
  out: Float32Array
): void {
  const queryPopularity = Math.log1p(queryEngagement)
  const n = SOURCES.length
  for (let i = 0; i < cols.count; i++) {
    const row = i * FEATURE_COUNT
    const bits = cols.bits[i]!
    let proposing = 0
    for (let j = 0; j < n; j++) {
      const source = SOURCES[j]!
      const score = cols.scores[i * n + j]!
      const from = bits & SOURCE_BIT[source] ? 1 : 0
      proposing += from
      out[row + j] = score
      out[row + n + j] = from
      out[row + 2 * n + j] = max[source] > 0 ? score / max[source] : 0
      out[row + 3 * n + j] = score * queryPopularity
    }
    out[row + 4 * n] = queryPopularity
    out[row + 4 * n + 1] = Math.log1p(cols.engagement[i]!)
    out[row + 4 * n + 2] = proposing
    out[row + 4 * n + 3] = Math.log1p(cols.recent[i]!)
  }
}

/** The columns of decoded candidates with their per-source scores (sourceScores()). */
export function columnsOf(
  candidates: readonly Candidate[],
  scores: readonly Record<SourceName, number>[]
): CandidateColumns {
  const cols = candidateColumns(candidates.length)
  const n = SOURCES.length
  candidates.forEach((c, i) => {
    const s = scores[i]!
    for (let j = 0; j < n; j++) {
      cols.scores[i * n + j] = s[SOURCES[j]!]
    }
    cols.bits[i] = c.sources
    cols.engagement[i] = c.pin.engagement
    cols.recent[i] = c.pin.recentEngagement
  })
  return cols
}

/**
 * Write the features of every candidate into `out` (row-major, FEATURE_COUNT per candidate).
 * `scores[i]` are the per-source scores of candidate i from sourceScores().
 */
export function candidateFeatures(
  record: PinRecord,
  candidates: readonly Candidate[],
  scores: readonly Record<SourceName, number>[],
  out: Float32Array
): void {
  const cols = columnsOf(candidates, scores)
  // Stored maxima (format v2) are over the full candidate union, before the list was capped.
  columnFeatures(record.pin.engagement, record.maxScores ?? columnMaxima(cols), cols, out)
}

/** Probability the model gives each candidate row of `features` (standardised, then logistic). */
export function scoreModel(
  model: LinearModel,
  features: Float32Array,
  count: number,
  out: Float64Array
): void {
  const { weights, bias, mean, scale } = model
  for (let i = 0; i < count; i++) {
    let z = bias
    const row = i * FEATURE_COUNT
    for (let f = 0; f < FEATURE_COUNT; f++) {
      z += weights[f]! * ((features[row + f]! - mean[f]!) / scale[f]!)
    }
    out[i] = 1 / (1 + Math.exp(-z))
  }
}
