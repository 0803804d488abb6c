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
] as const

export const FEATURE_COUNT = FEATURE_NAMES.length

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
  // Stored maxima (format v2) are over the full candidate union, before the list was capped.
  const max: Record<SourceName, number> = record.maxScores
    ? { ...record.maxScores }
    : { cooc: 0, pin2vec: 0, session: 0, walk: 0 }
  if (!record.maxScores) {
    for (const s of scores) {
      for (const source of SOURCES) {
        max[source] = Math.max(max[source], s[source])
      }
    }
  }
  const queryPopularity = Math.log1p(record.pin.engagement)
  const n = SOURCES.length
  candidates.forEach((c, i) => {
    const row = i * FEATURE_COUNT
    const s = scores[i]!
    let proposing = 0
    SOURCES.forEach((source, j) => {
      const from = c.sources & SOURCE_BIT[source] ? 1 : 0
      proposing += from
      out[row + j] = s[source]
      out[row + n + j] = from
      out[row + 2 * n + j] = max[source] > 0 ? s[source] / max[source] : 0
      out[row + 3 * n + j] = s[source] * queryPopularity
    })
    out[row + 4 * n] = queryPopularity
    out[row + 4 * n + 1] = Math.log1p(c.pin.engagement)
    out[row + 4 * n + 2] = proposing
  })
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
