/**
 * @module
 * Scores rankers on queries, overall and per popularity bucket of the query pin, with bootstrap
 * confidence intervals for recall@20.
 */

import { type BlendParams, BUCKETS, type Bucket } from '../core/artifact'
import { bucketOf } from '../core/blend'
import { createRandom } from '../core/random'
import type { Ranker } from '../offline/blend/rankers'
import type { Queries } from '../offline/blend/task'
import { type Metrics, type QueryOutcome, rankOf, summarise } from './metrics'

export type SourceResult = {
  overall: Metrics
  buckets: Record<Bucket, Metrics>
  /** 95% bootstrap interval of recall@20, overall and per bucket. */
  ci: Record<'overall' | Bucket, [number, number]>
}

export type Evaluation = {
  results: Record<string, SourceResult>
  hits20: Record<string, Uint8Array>
  bucketOfQuery: Uint8Array
}

export function evaluate(
  rankers: Record<string, Ranker>,
  queries: Queries,
  engagement: Int32Array,
  thresholds: BlendParams['buckets'],
  catalogueSize: number,
  options: { bootstrap: number; seed: number }
): Evaluation {
  const n = queries.query.length
  const bucketOfQuery = new Uint8Array(n)
  for (let q = 0; q < n; q++) {
    bucketOfQuery[q] = BUCKETS.indexOf(bucketOf(engagement[queries.query[q]!] ?? 0, thresholds))
  }
  const results: Record<string, SourceResult> = {}
  const hits20: Record<string, Uint8Array> = {}
  for (const [name, ranker] of Object.entries(rankers)) {
    const outcomes: QueryOutcome[] = new Array(n)
    const seen: Set<number>[] = [new Set(), new Set(), new Set(), new Set()]
    const hits = new Uint8Array(n)
    for (let q = 0; q < n; q++) {
      const ranked = ranker(queries.query[q]!, 50)
      const rank = rankOf(ranked, queries.target[q]!)
      outcomes[q] = { rank, length: ranked.length }
      hits[q] = rank > 0 && rank <= 20 ? 1 : 0
      const top = ranked.subarray(0, 20)
      for (const p of top) {
        seen[3]!.add(p)
        seen[bucketOfQuery[q]!]!.add(p)
      }
    }
    const byBucket = (b: number): QueryOutcome[] =>
      outcomes.filter((_, q) => bucketOfQuery[q] === b)
    results[name] = {
      overall: summarise(outcomes, seen[3]!, catalogueSize),
      buckets: Object.fromEntries(
        BUCKETS.map((b, i) => [b, summarise(byBucket(i), seen[i]!, catalogueSize)])
      ) as Record<Bucket, Metrics>,
      ci: bootstrapIntervals(hits, bucketOfQuery, options),
    }
    hits20[name] = hits
  }
  return { results, hits20, bucketOfQuery }
}

/** Percentile bootstrap (resampling queries) of the mean of `hits`, overall and per bucket. */
function bootstrapIntervals(
  hits: Uint8Array,
  bucketOfQuery: Uint8Array,
  options: { bootstrap: number; seed: number }
): SourceResult['ci'] {
  const groups: ['overall' | Bucket, number[]][] = [
    ['overall', [...hits.keys()]],
    ...BUCKETS.map((b, i): [Bucket, number[]] => [
      b,
      [...hits.keys()].filter((q) => bucketOfQuery[q] === i),
    ]),
  ]
  return Object.fromEntries(
    groups.map(([name, idx]) => [
      name,
      percentileInterval(
        idx.map((q) => hits[q]!),
        options
      ),
    ])
  ) as SourceResult['ci']
}

export function percentileInterval(
  values: number[],
  options: { bootstrap: number; seed: number }
): [number, number] {
  if (values.length === 0) {
    return [0, 0]
  }
  const random = createRandom(options.seed)
  const means = new Float64Array(options.bootstrap)
  for (let b = 0; b < options.bootstrap; b++) {
    let sum = 0
    for (let i = 0; i < values.length; i++) {
      sum += values[random.int(values.length)]!
    }
    means[b] = sum / values.length
  }
  means.sort()
  return [
    means[Math.floor(0.025 * (options.bootstrap - 1))]!,
    means[Math.ceil(0.975 * (options.bootstrap - 1))]!,
  ]
}

/** Bootstrap interval of the paired difference mean(a − b) over the queries in `idx`. */
export function pairedDifferenceInterval(
  a: Uint8Array,
  b: Uint8Array,
  idx: number[],
  options: { bootstrap: number; seed: number }
): [number, number] {
  return percentileInterval(
    idx.map((q) => a[q]! - b[q]!),
    options
  )
}
