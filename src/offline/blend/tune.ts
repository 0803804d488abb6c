/**
 * @module
 * Blend tuning on the validation slice: per popularity bucket, the source weights (on a simplex
 * grid) that maximise recall@20 of the next engaged pin. Candidate scores come from the same
 * sourceScores() the worker uses; only the weight search is vectorised here.
 */

import {
  type BlendParams,
  BUCKETS,
  type Bucket,
  SOURCES,
  type SourceName,
  type SourceWeights,
} from '../../core/artifact'
import { bucketOf, sourceScores } from '../../core/blend'
import { candidatesWithTarget } from './fit-model'
import type { ArtifactLookup } from './rankers'
import type { Queries } from './task'

type Prepared = { scores: Float64Array[]; ids: string[]; target: number; bucket: Bucket }

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

function prepare(
  lookup: ArtifactLookup,
  queries: Queries,
  thresholds: BlendParams['buckets'],
  pinIds: string[]
): Prepared[] {
  const prepared: Prepared[] = []
  for (let q = 0; q < queries.query.length; q++) {
    const record = lookup.record(queries.query[q]!)
    if (!record || record.candidates.length === 0) {
      continue
    }
    const { candidates, target } = candidatesWithTarget(record, pinIds[queries.target[q]!]!)
    if (target < 0) {
      // No weighting can rank a pin that is not a candidate: it does not inform the choice.
      continue
    }
    const scores = SOURCES.map(() => new Float64Array(candidates.length))
    candidates.forEach((c, i) => {
      const s = sourceScores(record, c)
      SOURCES.forEach((source, j) => {
        scores[j]![i] = s[source]
      })
    })
    prepared.push({
      scores,
      ids: candidates.map((c) => c.pin.id),
      target,
      bucket: bucketOf(record.pin.engagement, thresholds),
    })
  }
  return prepared
}

/** Hits@20 of one weight vector on prepared queries (ties broken by id, as rankRelated does). */
function hitsAt20(prepared: Prepared[], w: SourceWeights): number {
  const weights = SOURCES.map((s) => w[s])
  let hits = 0
  for (const p of prepared) {
    const total = (i: number): number => {
      let t = 0
      for (let j = 0; j < weights.length; j++) {
        t += weights[j]! * p.scores[j]![i]!
      }
      return t
    }
    const targetScore = total(p.target)
    const targetId = p.ids[p.target]!
    let above = 0
    for (let i = 0; i < p.ids.length && above < 20; i++) {
      const s = total(i)
      if (s > targetScore || (s === targetScore && p.ids[i]! < targetId)) {
        above++
      }
    }
    hits += above < 20 ? 1 : 0
  }
  return hits
}

export type TuneResult = {
  blend: BlendParams
  hits: Record<Bucket, { chosen: number; queries: number }>
}

export function tuneBlend(
  lookup: ArtifactLookup,
  queries: Queries,
  thresholds: BlendParams['buckets'],
  pinIds: string[],
  base: BlendParams,
  options: { step: number; origin: string }
): TuneResult {
  const sources = lookup.artifacts.manifest.sources
  const grid = simplexGrid(sources, options.step)
  const prepared = prepare(lookup, queries, thresholds, pinIds)
  const weights = { ...base.weights }
  const hits = {} as TuneResult['hits']
  for (const bucket of BUCKETS) {
    const subset = prepared.filter((p) => p.bucket === bucket)
    let best = base.weights[bucket]
    let bestHits = hitsAt20(subset, best)
    for (const w of grid) {
      const h = hitsAt20(subset, w)
      if (h > bestHits) {
        best = w
        bestHits = h
      }
    }
    weights[bucket] = best
    hits[bucket] = { chosen: bestHits, queries: subset.length }
  }
  return { blend: { ...base, buckets: thresholds, weights, origin: options.origin }, hits }
}
