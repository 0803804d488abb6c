/**
 * @module
 * Hybrid blending: turns a pin's stored record into a ranked list of related pins. The worker
 * serves exactly this ranking and offline evaluation scores exactly this ranking.
 */

import {
  type BlendParams,
  type Bucket,
  type Candidate,
  type PinRecord,
  SOURCE_BIT,
  SOURCES,
  type SourceName,
} from './artifact/format'
import {
  type CandidateColumns,
  columnFeatures,
  columnMaxima,
  columnsOf,
  FEATURE_COUNT,
  scoreModel,
} from './features'
import { cosine } from './quantize'

export type RelatedPin = {
  id: string
  title: string
  imageUrl: string
  link: string
  score: number
  /** Score of each source that proposed this pin. */
  sources: Partial<Record<SourceName, number>>
}

export type RankOptions = {
  k: number
  /** Rank only the candidates proposed by this source, by that source's score (evaluation). */
  only?: SourceName
  /** Ids never returned (e.g. pins already on screen). */
  exclude?: ReadonlySet<string>
}

/** Popularity bucket of a query pin from its training engagement. */
export function bucketOf(engagement: number, buckets: BlendParams['buckets']): Bucket {
  if (engagement <= buckets.tailMax) {
    return 'tail'
  }
  return engagement <= buckets.torsoMax ? 'torso' : 'head'
}

/**
 * Per-source scores of one candidate. Pin2Vec's is the stored score (format v2: the cosine of the
 * two int8 vectors floored at 0, computed by the build), else the cosine of in-memory vectors.
 */
export function sourceScores(record: PinRecord, c: Candidate): Record<SourceName, number> {
  const q = record.pin.vector
  const v = c.pin.vector
  return {
    cooc: c.scores.cooc ?? 0,
    pin2vec: c.scores.pin2vec ?? (q && v ? Math.max(0, cosine(q, v)) : 0),
    session: c.scores.session ?? 0,
    walk: c.scores.walk ?? 0,
  }
}

/** What blendTotals needs of the query pin: its engagement and its stored per-source maxima. */
export type QueryPin = { engagement: number; maxScores?: Record<SourceName, number> }

/**
 * The blend score of every candidate of `cols`: the learned model when the blend has one, else the
 * weights of the query's popularity bucket; with `only`, that source's score. The worker and the
 * build both rank through this (the build from columns it fills without candidate objects).
 */
export function blendTotals(
  query: QueryPin,
  cols: CandidateColumns,
  blend: BlendParams,
  only?: SourceName
): Float64Array {
  const totals = new Float64Array(cols.count)
  const n = SOURCES.length
  if (only) {
    const j = SOURCES.indexOf(only)
    for (let i = 0; i < cols.count; i++) {
      totals[i] = cols.scores[i * n + j]!
    }
  } else if (blend.model) {
    const features = new Float32Array(cols.count * FEATURE_COUNT)
    // Stored maxima (format v2) are over the full candidate union, before the list was capped.
    columnFeatures(query.engagement, query.maxScores ?? columnMaxima(cols), cols, features)
    scoreModel(blend.model, features, cols.count, totals)
  } else {
    const weights = blend.weights[bucketOf(query.engagement, blend.buckets)]
    for (let i = 0; i < cols.count; i++) {
      let total = 0
      for (let j = 0; j < n; j++) {
        total += weights[SOURCES[j]!] * cols.scores[i * n + j]!
      }
      totals[i] = total
    }
  }
  return totals
}

/** Best total first; equal totals by pin id. */
const byBlend =
  (totals: Float64Array, idAt: (i: number) => string) =>
  (a: number, b: number): number => {
    const d = totals[b]! - totals[a]!
    if (d !== 0) {
      return d
    }
    const ia = idAt(a)
    const ib = idAt(b)
    return ia < ib ? -1 : ia > ib ? 1 : 0
  }

/**
 * Candidate positions 0..totals.length-1, best first; ties break by pin id (`idAt`), and the
 * sort is stable, so equal ids keep their order.
 */
export function blendOrder(totals: Float64Array, idAt: (i: number) => string): number[] {
  const order = Array.from(totals.keys())
  order.sort(byBlend(totals, idAt))
  return order
}

/**
 * The first `k` positions of blendOrder(totals, idAt), without sorting the rest: only the
 * positions whose total reaches the k-th largest are sorted (the build keeps 50 of a union of up
 * to 200, the worker 20 of 50). The same comparator on that subset, in its original order, gives
 * the same first k, ties included. A fractional k counts whole positions; below 1, none.
 */
export function blendTop(totals: Float64Array, idAt: (i: number) => string, k: number): number[] {
  const n = totals.length
  const take = Math.floor(k)
  if (take >= n) {
    return blendOrder(totals, idAt)
  }
  if (!(take > 0)) {
    return []
  }
  const sorted = Float64Array.from(totals).sort()
  // NaN sorts last in a typed array; blendOrder's comparator has no order for it, so leave such
  // rankings to blendOrder itself rather than assume one.
  if (Number.isNaN(sorted[n - 1]!)) {
    return blendOrder(totals, idAt).slice(0, take)
  }
  const threshold = sorted[n - take]!
  const subset: number[] = []
  for (let i = 0; i < n; i++) {
    if (totals[i]! >= threshold) {
      subset.push(i)
    }
  }
  subset.sort(byBlend(totals, idAt))
  subset.length = take
  return subset
}

/** What rankOrder keeps of a ranking: the candidates it returns, their per-source and total scores. */
export type RankedOrder = {
  /** Candidates kept (not excluded, not the pin itself), in record order. */
  kept: Candidate[]
  perSource: Record<SourceName, number>[]
  totals: Float64Array
  /** Indices into `kept`, best first, at most k. */
  order: number[]
}

/**
 * The ranking of rankRelated without its result objects (indices into the kept candidates, and
 * their scores), so that result objects are built for the top k only.
 */
export function rankOrder(
  record: PinRecord,
  blend: BlendParams,
  options: RankOptions
): RankedOrder {
  const onlyBit = options.only ? SOURCE_BIT[options.only] : 0
  const kept: Candidate[] = []
  const perSource: Record<SourceName, number>[] = []
  for (const c of record.candidates) {
    if (
      (onlyBit && !(c.sources & onlyBit)) ||
      options.exclude?.has(c.pin.id) ||
      c.pin.id === record.pin.id
    ) {
      continue
    }
    kept.push(c)
    perSource.push(sourceScores(record, c))
  }
  const query = { engagement: record.pin.engagement, maxScores: record.maxScores }
  const totals = blendTotals(query, columnsOf(kept, perSource), blend, options.only)
  const order = blendTop(totals, (i) => kept[i]!.pin.id, options.k)
  return { kept, perSource, totals, order }
}

/**
 * Rank the candidates of `record` and return the top `k`. The blend's learned model scores them
 * when the manifest has one, else the weights of the query's popularity bucket. Ties break by pin
 * id for stability.
 */
export function rankRelated(
  record: PinRecord,
  blend: BlendParams,
  options: RankOptions
): RelatedPin[] {
  const { kept, perSource, totals, order } = rankOrder(record, blend, options)
  return order.map((i) => {
    const c = kept[i]!
    const attributed: RelatedPin['sources'] = {}
    for (const source of SOURCES) {
      if (c.sources & SOURCE_BIT[source]) {
        attributed[source] = round4(perSource[i]![source])
      }
    }
    return {
      id: c.pin.id,
      title: c.pin.title,
      imageUrl: c.pin.imageUrl,
      link: c.pin.link,
      score: round4(totals[i]!),
      sources: attributed,
    }
  })
}

const round4 = (x: number): number => Math.round(x * 1e4) / 1e4
