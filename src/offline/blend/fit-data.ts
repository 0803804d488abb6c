/**
 * @module
 * The blend fit's queries, decoded once into flat typed arrays: for each query pin, the candidates
 * rankRelated ranks (never the pin itself) with their per-source scores (sourceScores), source
 * bits, id order and learned-model features (candidateFeatures), all from the same functions the
 * worker runs. The weight search, the model's training rows and the check recalls read these
 * instead of decoding and ranking every record again for each weighting and each check.
 */

import { type BlendParams, SOURCE_BIT, SOURCES } from '../../core/artifact'
import { bucketOf, sourceScores } from '../../core/blend'
import { candidateFeatures, FEATURE_COUNT, scoreModel } from '../../core/features'
import type { Logger } from '../log'
import type { ArtifactLookup } from './rankers'
import type { Queries } from './task'

/** Per-source scores stored per candidate, in SOURCES order. */
export const SCORE_STRIDE = SOURCES.length

/** One query pin's candidates, in record order without the pin itself. */
export type PinCandidates = {
  count: number
  /** sourceScores() of candidate i at [i * SCORE_STRIDE + j], j in SOURCES order. */
  scores: Float64Array
  /** SOURCE_BIT set of the sources that proposed each candidate. */
  bits: Uint8Array
  /** Dense rank of each candidate's id among these: rankRelated breaks ties by smaller id. */
  idRank: Int32Array
  /** Pin id of each candidate (the target is found by id, as rankRelated's results name it). */
  ids: string[]
  /** candidateFeatures() rows, FEATURE_COUNT per candidate. */
  features: Float32Array
  /** The query pin's engagement (its popularity bucket). */
  engagement: number
}

export type FitData = {
  queries: Queries
  /** Per query: its pin's candidates (shared by the queries of one pin); null without a record. */
  candidates: (PinCandidates | null)[]
  /** Per query: the target's index among its pin's candidates, -1 when no source proposed it. */
  target: Int32Array
}

function pinCandidates(lookup: ArtifactLookup, pin: number): PinCandidates | null {
  const record = lookup.record(pin)
  if (!record) {
    return null
  }
  const candidates = record.candidates.filter((c) => c.pin.id !== record.pin.id)
  const count = candidates.length
  const perSource = candidates.map((c) => sourceScores(record, c))
  const scores = new Float64Array(count * SCORE_STRIDE)
  const bits = new Uint8Array(count)
  const ids = candidates.map((c) => c.pin.id)
  for (let i = 0; i < count; i++) {
    const s = perSource[i]!
    for (let j = 0; j < SCORE_STRIDE; j++) {
      scores[i * SCORE_STRIDE + j] = s[SOURCES[j]!]
    }
    bits[i] = candidates[i]!.sources
  }
  const byId = Array.from(candidates.keys()).sort((a, b) => {
    const ia = candidates[a]!.pin.id
    const ib = candidates[b]!.pin.id
    return ia < ib ? -1 : ia > ib ? 1 : 0
  })
  const idRank = new Int32Array(count)
  for (let r = 0, rank = 0; r < count; r++) {
    if (r > 0 && candidates[byId[r]!]!.pin.id !== candidates[byId[r - 1]!]!.pin.id) {
      rank++
    }
    idRank[byId[r]!] = rank
  }
  const features = new Float32Array(count * FEATURE_COUNT)
  candidateFeatures(record, candidates, perSource, features)
  return { count, scores, bits, idRank, ids, features, engagement: record.pin.engagement }
}

/** Decode every query pin's record once (pins repeat across queries: each is decoded once). */
export function prepareFitData(
  lookup: ArtifactLookup,
  queries: Queries,
  options: { log?: Logger } = {}
): FitData {
  const n = queries.query.length
  const byPin = new Map<number, PinCandidates | null>()
  const candidates: (PinCandidates | null)[] = new Array(n)
  const target = new Int32Array(n)
  const progress = options.log?.counter('blend', 'query records', { total: n, unit: 'queries' })
  let stored = 0
  for (let q = 0; q < n; q++) {
    const pin = queries.query[q]!
    let c = byPin.get(pin)
    if (c === undefined) {
      c = pinCandidates(lookup, pin)
      byPin.set(pin, c)
      stored += c?.count ?? 0
    }
    candidates[q] = c
    target[q] = c ? c.ids.indexOf(lookup.pinId(queries.target[q]!)) : -1
    progress?.add()
  }
  progress?.end(
    `${byPin.size.toLocaleString('en')} query pins, ${stored.toLocaleString('en')} candidates`
  )
  return { queries, candidates, target }
}

/** Queries [from, to) of `data` (time order is kept: the fit and check parts are slices). */
export function sliceFitData(data: FitData, from: number, to: number): FitData {
  return {
    queries: {
      query: data.queries.query.subarray(from, to),
      target: data.queries.target.subarray(from, to),
    },
    candidates: data.candidates.slice(from, to),
    target: data.target.subarray(from, to),
  }
}

/**
 * Whether the target ranks in the top 20 of `totals` (higher first, ties by smaller id), among the
 * candidates `keep` admits: where rankRelated(…, { k: 50 }).slice(0, 20) puts it.
 */
function inTop20(
  c: PinCandidates,
  target: number,
  totals: Float64Array,
  keep?: (i: number) => boolean
): boolean {
  const t = totals[target]!
  const rank = c.idRank[target]!
  let above = 0
  for (let i = 0; i < c.count && above < 20; i++) {
    if (keep && !keep(i)) {
      continue
    }
    const s = totals[i]!
    if (s > t || (s === t && c.idRank[i]! < rank)) {
      above++
    }
  }
  return above < 20
}

/** What the check part measures: a blend (its model when it has one) or one source alone. */
export type CheckRanking = { blend: BlendParams } | { only: (typeof SOURCES)[number] }

/**
 * Recall@20 of next-pin queries under `ranking`: the same number as ranking each query with
 * rankRelated (k 50, as eval asks) and looking for the target in the first 20.
 */
export function recallAt20(data: FitData, ranking: CheckRanking): number {
  const n = data.queries.query.length
  let hits = 0
  let totals = new Float64Array(256)
  for (let q = 0; q < n; q++) {
    const c = data.candidates[q]
    const target = data.target[q]!
    if (!c || target < 0) {
      continue
    }
    if (totals.length < c.count) {
      totals = new Float64Array(c.count * 2)
    }
    let keep: ((i: number) => boolean) | undefined
    if ('blend' in ranking && ranking.blend.model) {
      scoreModel(ranking.blend.model, c.features, c.count, totals)
    } else if ('only' in ranking) {
      const j = SOURCES.indexOf(ranking.only)
      const bit = SOURCE_BIT[ranking.only]
      if (!(c.bits[target]! & bit)) {
        continue
      }
      keep = (i) => (c.bits[i]! & bit) !== 0
      for (let i = 0; i < c.count; i++) {
        totals[i] = c.scores[i * SCORE_STRIDE + j]!
      }
    } else {
      const w = ranking.blend.weights[bucketOf(c.engagement, ranking.blend.buckets)]
      const weights = SOURCES.map((s) => w[s])
      for (let i = 0; i < c.count; i++) {
        // The order of weightedScore's sum, so totals are bit-identical to rankRelated's.
        let total = 0
        for (let j = 0; j < SCORE_STRIDE; j++) {
          total += weights[j]! * c.scores[i * SCORE_STRIDE + j]!
        }
        totals[i] = total
      }
    }
    hits += inTop20(c, target, totals, keep) ? 1 : 0
  }
  return n > 0 ? hits / n : 0
}
