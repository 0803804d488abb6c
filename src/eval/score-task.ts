/**
 * @module
 * Scores every method on one task under the served answer's rules: the same queries, the same
 * exclusions (query pin, context, pins already seen in the session) and the same popular fallback
 * when a method has nothing to say. Metrics overall, on warm queries (query pin engaged in
 * training) and per popularity bucket, each with a 95% bootstrap interval; the resamples are
 * shared by all methods, so differences between two methods get paired intervals.
 */

import { BUCKETS, type Bucket } from '../core/artifact'
import { createRandom } from '../core/random'
import type { QueryRanker } from './peers/peer'
import { queryOf, type SessionQueries, type Task } from './session-task'

export const GROUPS = ['overall', 'warm', ...BUCKETS] as const
export type Group = (typeof GROUPS)[number]
export const TASK_METRICS = ['hr@10', 'hr@20', 'mrr@20', 'ndcg@20'] as const
export type TaskMetric = (typeof TASK_METRICS)[number]

export type GroupResult = Record<TaskMetric, number> & {
  'hr@50': number
  /** Share of queries answered by the popular fallback. */
  fallback: number
  /** Distinct pins in the top 20 over the group's queries, as a share of the catalogue. */
  coverage: number
  n: number
  ci: Record<TaskMetric, [number, number]>
}

export type MethodResult = Record<Group, GroupResult>

export type TaskScores = {
  task: Task
  queries: number
  results: Record<string, MethodResult>
  /** Bootstrap means [method][group][metric] per resample, for paired comparisons. */
  resamples: Record<string, Record<Group, Record<TaskMetric, Float64Array>>>
}

export type ScoreOptions = {
  k: number
  bootstrap: number
  seed: number
  catalogueSize: number
  /** Bucket of each query (index into BUCKETS) and whether its pin is warm. */
  bucketOfQuery: Uint8Array
  warm: Uint8Array
  /** The build's popular list (pin indices, most engaged first): everyone's fallback. */
  popular: Int32Array
  onProgress?: (method: string, seconds: number) => void
}

/** A method's answer under the served rules: exclusions enforced, popular when empty. */
export function servedAnswer(
  ranked: Int32Array,
  skip: ReadonlySet<number>,
  popular: Int32Array,
  k: number
): { list: Int32Array; fallback: boolean } {
  const kept = ranked.filter((p) => !skip.has(p)).subarray(0, k)
  if (kept.length > 0) {
    return { list: kept, fallback: false }
  }
  return { list: popular.filter((p) => !skip.has(p)).subarray(0, k), fallback: true }
}

const groupsOf = (o: ScoreOptions, q: number): Group[] => [
  'overall',
  ...(o.warm[q] ? (['warm'] as const) : []),
  BUCKETS[o.bucketOfQuery[q]!] as Bucket,
]

export function scoreTask(
  rankers: Record<string, QueryRanker>,
  queries: SessionQueries,
  task: Task,
  options: ScoreOptions
): TaskScores {
  const n = queries.query.length
  const asked = Array.from({ length: n }, (_, i) => queryOf(queries, i, task))
  const membership = Array.from({ length: n }, (_, q) => groupsOf(options, q))
  const draws = resampleCounts(n, options)
  const results: TaskScores['results'] = {}
  const resamples: TaskScores['resamples'] = {}
  for (const [name, ranker] of Object.entries(rankers)) {
    const started = performance.now()
    const values = new Float32Array(n * TASK_METRICS.length)
    const hr50 = new Uint8Array(n)
    const fellBack = new Uint8Array(n)
    const shown = Object.fromEntries(GROUPS.map((g) => [g, new Set<number>()])) as Record<
      Group,
      Set<number>
    >
    for (let q = 0; q < n; q++) {
      const { query, skip } = asked[q]!
      const { list, fallback } = servedAnswer(
        ranker(query, options.k, skip),
        skip,
        options.popular,
        options.k
      )
      fellBack[q] = fallback ? 1 : 0
      let rank = 0
      for (let i = 0; i < list.length; i++) {
        if (list[i] === queries.target[q]) {
          rank = i + 1
          break
        }
      }
      const row = q * TASK_METRICS.length
      values[row] = rank > 0 && rank <= 10 ? 1 : 0
      values[row + 1] = rank > 0 && rank <= 20 ? 1 : 0
      values[row + 2] = rank > 0 && rank <= 20 ? 1 / rank : 0
      // One relevant item: the ideal DCG is 1, so NDCG is the discounted gain of its rank.
      values[row + 3] = rank > 0 && rank <= 20 ? 1 / Math.log2(rank + 1) : 0
      hr50[q] = rank > 0 && rank <= 50 ? 1 : 0
      for (const g of membership[q]!) {
        for (const p of list.subarray(0, 20)) {
          shown[g].add(p)
        }
      }
    }
    results[name] = {} as MethodResult
    resamples[name] = bootstrapMeans(values, membership, draws)
    for (const g of GROUPS) {
      const members: number[] = []
      for (let q = 0; q < n; q++) {
        if (membership[q]!.includes(g)) {
          members.push(q)
        }
      }
      const mean = (f: (q: number) => number): number =>
        members.length > 0 ? members.reduce((a, q) => a + f(q), 0) / members.length : 0
      const point = {} as Record<TaskMetric, number>
      const ci = {} as Record<TaskMetric, [number, number]>
      TASK_METRICS.forEach((metric, m) => {
        point[metric] = mean((q) => values[q * TASK_METRICS.length + m]!)
        ci[metric] = percentiles(resamples[name]![g][metric])
      })
      results[name][g] = {
        ...point,
        'hr@50': mean((q) => hr50[q]!),
        fallback: mean((q) => fellBack[q]!),
        coverage: options.catalogueSize > 0 ? shown[g].size / options.catalogueSize : 0,
        n: members.length,
        ci,
      }
    }
    options.onProgress?.(name, (performance.now() - started) / 1000)
  }
  return { task, queries: n, results, resamples }
}

/** Multinomial bootstrap: how often each query is drawn, per resample (seeded). */
function resampleCounts(n: number, options: ScoreOptions): Uint16Array[] {
  const random = createRandom(options.seed)
  const out: Uint16Array[] = []
  for (let b = 0; b < options.bootstrap; b++) {
    const counts = new Uint16Array(n)
    for (let i = 0; i < n; i++) {
      counts[random.int(n)]!++
    }
    out.push(counts)
  }
  return out
}

/** Per resample, the mean of every metric in every group (one pass over the queries per resample). */
function bootstrapMeans(
  values: Float32Array,
  membership: Group[][],
  draws: Uint16Array[]
): Record<Group, Record<TaskMetric, Float64Array>> {
  const M = TASK_METRICS.length
  const groupIndex = membership.map((gs) => gs.map((g) => GROUPS.indexOf(g)))
  const out = GROUPS.map(() => TASK_METRICS.map(() => new Float64Array(draws.length)))
  const sums = new Float64Array(GROUPS.length * M)
  const weights = new Float64Array(GROUPS.length)
  draws.forEach((counts, b) => {
    sums.fill(0)
    weights.fill(0)
    for (let q = 0; q < counts.length; q++) {
      const c = counts[q]!
      if (c === 0) {
        continue
      }
      for (const g of groupIndex[q]!) {
        weights[g]! += c
        for (let m = 0; m < M; m++) {
          sums[g * M + m]! += c * values[q * M + m]!
        }
      }
    }
    for (let g = 0; g < GROUPS.length; g++) {
      for (let m = 0; m < M; m++) {
        out[g]![m]![b] = weights[g]! > 0 ? sums[g * M + m]! / weights[g]! : 0
      }
    }
  })
  return Object.fromEntries(
    GROUPS.map((g, gi) => [g, Object.fromEntries(TASK_METRICS.map((m, mi) => [m, out[gi]![mi]!]))])
  ) as Record<Group, Record<TaskMetric, Float64Array>>
}

function percentiles(values: Float64Array): [number, number] {
  if (values.length === 0) {
    return [0, 0]
  }
  const sorted = Float64Array.from(values).sort()
  return [
    sorted[Math.floor(0.025 * (sorted.length - 1))]!,
    sorted[Math.ceil(0.975 * (sorted.length - 1))]!,
  ]
}

export type Comparison = {
  ours: string
  best: string
  ourValue: number
  bestValue: number
  ratio: number | null
  /** 95% paired bootstrap interval of ours − best. */
  difference95: [number, number]
}

/** `ours` against the best of `peers` on `metric`, in every group. */
export function compareToBest(
  scores: TaskScores,
  ours: string,
  peers: string[],
  metric: TaskMetric
): Record<Group, Comparison> {
  const out = {} as Record<Group, Comparison>
  for (const g of GROUPS) {
    const present = peers.filter((p) => scores.results[p])
    const best = present.sort(
      (a, b) => scores.results[b]![g][metric] - scores.results[a]![g][metric]
    )[0]
    if (!best || !scores.results[ours]) {
      continue
    }
    const a = scores.resamples[ours]![g][metric]
    const b = scores.resamples[best]![g][metric]
    const ourValue = scores.results[ours][g][metric]
    const bestValue = scores.results[best]![g][metric]
    out[g] = {
      ours,
      best,
      ourValue,
      bestValue,
      ratio: bestValue > 0 ? ourValue / bestValue : null,
      difference95: percentiles(a.map((x, i) => x - b[i]!)),
    }
  }
  return out
}
