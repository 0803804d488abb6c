/**
 * @module
 * Blend tuning on the validation slice: per popularity bucket, the source weights (on a simplex
 * grid) that maximise recall@20 of the next engaged pin. Candidate scores come from the same
 * sourceScores() the worker uses (decoded once, fit-data.ts); only the weight search is vectorised
 * here.
 */

import {
  type BlendParams,
  BUCKETS,
  type Bucket,
  SOURCES,
  type SourceName,
  type SourceWeights,
} from '../../core/artifact'
import { bucketOf } from '../../core/blend'
import type { Logger } from '../log'
import { type FitData, SCORE_STRIDE } from './fit-data'

/** All weight vectors over `sources` with the given step that sum to 1. */
export function simplexGrid(sources: SourceName[], step: number): SourceWeights[] {
  const units = Math.round(1 / step)
  const out: SourceWeights[] = []
  const walk = (i: number, left: number, acc: number[]): void => {
    if (i === sources.length - 1) {
      acc.push(left)
      const w: SourceWeights = { cooc: 0, pin2vec: 0, session: 0, walk: 0 }
      sources.forEach((s, j) => {
        w[s] = acc[j]! / units
      })
      out.push(w)
      acc.pop()
      return
    }
    for (let u = 0; u <= left; u++) {
      acc.push(u)
      walk(i + 1, left - u, acc)
      acc.pop()
    }
  }
  if (sources.length > 0) {
    walk(0, units, [])
  }
  return out
}

/**
 * One bucket's queries reduced for the weight search. With weights ≥ 0, a candidate scoring at
 * most the target on every source never totals above it, and one scoring at least as much never
 * below (rounding is monotone): each query keeps only the candidates whose place depends on the
 * weights (`open`), and counts those always ranked above its target (`above`). Exact: the hits
 * are those of ranking every candidate.
 */
type Reduced = {
  /** Queries of the bucket whose target is a candidate (what the hits are out of). */
  queries: number
  /** Per reduced query: the target's scores (SCORE_STRIDE each). */
  target: Float64Array
  above: Int32Array
  /** Open candidates of reduced query r: [start[r], start[r + 1]). */
  start: Int32Array
  scores: Float64Array
  /** 1 when the open candidate's id is smaller than the target's (it wins a tie). */
  before: Uint8Array
}

function reduce(data: FitData, keep: (q: number) => boolean, prune: boolean): Reduced {
  const S = SCORE_STRIDE
  const target: number[] = []
  const above: number[] = []
  const start: number[] = [0]
  const scores: number[] = []
  const before: number[] = []
  let queries = 0
  for (let q = 0; q < data.target.length; q++) {
    const c = data.candidates[q]
    const t = data.target[q]!
    if (!c || t < 0 || !keep(q)) {
      continue
    }
    queries++
    const rank = c.idRank[t]!
    let always = 0
    const first = scores.length
    for (let i = 0; i < c.count; i++) {
      if (i === t) {
        continue
      }
      let le = prune
      let ge = prune
      for (let j = 0; j < S && (le || ge); j++) {
        const si = c.scores[i * S + j]!
        const st = c.scores[t * S + j]!
        le &&= si <= st
        ge &&= si >= st
      }
      const wins = c.idRank[i]! < rank
      if (le && !wins) {
        continue
      }
      if (ge && wins) {
        always++
        continue
      }
      for (let j = 0; j < S; j++) {
        scores.push(c.scores[i * S + j]!)
      }
      before.push(wins ? 1 : 0)
    }
    if (always >= 20) {
      // Never in the top 20, whatever the weights: a miss under every weighting.
      scores.length = first
      before.length = first / S
      continue
    }
    for (let j = 0; j < S; j++) {
      target.push(c.scores[t * S + j]!)
    }
    above.push(always)
    start.push(before.length)
  }
  return {
    queries,
    target: Float64Array.from(target),
    above: Int32Array.from(above),
    start: Int32Array.from(start),
    scores: Float64Array.from(scores),
    before: Uint8Array.from(before),
  }
}

/** Hits@20 of one weight vector (ties broken by id, as rankRelated does). */
function hitsAt20(r: Reduced, w: SourceWeights): number {
  // The order of weightedScore's sum, so totals are bit-identical to rankRelated's.
  const [w0, w1, w2, w3] = SOURCES.map((s) => w[s]) as [number, number, number, number]
  const { target, above, start, scores, before } = r
  let hits = 0
  for (let q = 0; q < above.length; q++) {
    let t = 0
    t += w0 * target[q * 4]!
    t += w1 * target[q * 4 + 1]!
    t += w2 * target[q * 4 + 2]!
    t += w3 * target[q * 4 + 3]!
    let count = above[q]!
    const end = start[q + 1]!
    for (let i = start[q]!; i < end && count < 20; i++) {
      let s = 0
      s += w0 * scores[i * 4]!
      s += w1 * scores[i * 4 + 1]!
      s += w2 * scores[i * 4 + 2]!
      s += w3 * scores[i * 4 + 3]!
      if (s > t || (s === t && before[i] === 1)) {
        count++
      }
    }
    hits += count < 20 ? 1 : 0
  }
  return hits
}

const nonNegative = (w: SourceWeights): boolean => SOURCES.every((s) => w[s] >= 0)

export type TuneResult = {
  blend: BlendParams
  hits: Record<Bucket, { chosen: number; queries: number }>
}

export function tuneBlend(
  data: FitData,
  sources: SourceName[],
  thresholds: BlendParams['buckets'],
  base: BlendParams,
  options: { step: number; origin: string; log?: Logger }
): TuneResult {
  if (SCORE_STRIDE !== 4) {
    throw new Error('[blend] hitsAt20 is unrolled for 4 sources')
  }
  const grid = simplexGrid(sources, options.step)
  // The reduction holds for weights ≥ 0 only (the grid's always are; a given base may not be).
  const prune = grid.every(nonNegative) && BUCKETS.every((b) => nonNegative(base.weights[b]))
  const bucketOfQuery = Array.from(data.candidates, (c) =>
    c ? bucketOf(c.engagement, thresholds) : null
  )
  const progress = options.log?.counter('blend', 'weight search', {
    total: BUCKETS.length * grid.length,
    unit: 'weightings',
  })
  const weights = { ...base.weights }
  const hits = {} as TuneResult['hits']
  let searched = 0
  let prepared = 0
  for (const bucket of BUCKETS) {
    const subset = reduce(data, (q) => bucketOfQuery[q] === bucket, prune)
    prepared += subset.queries
    let best = base.weights[bucket]
    let bestHits = hitsAt20(subset, best)
    for (const w of grid) {
      const h = hitsAt20(subset, w)
      progress?.set(++searched)
      if (h > bestHits) {
        best = w
        bestHits = h
      }
    }
    weights[bucket] = best
    hits[bucket] = { chosen: bestHits, queries: subset.queries }
  }
  progress?.end(`${prepared.toLocaleString('en')} queries with the target among candidates`)
  return { blend: { ...base, buckets: thresholds, weights, origin: options.origin }, hits }
}
