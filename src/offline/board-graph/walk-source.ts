/**
 * @module
 * The walk candidate source: which pins walk, on how many threads, and what it cost.
 */

import { createNeighbourLists, type NeighbourLists } from '../neighbour-lists'
import { runThreads, share } from '../threads'
import { THREAD_ENTRY } from './cooccur-threads'
import { type Groups, transposeGroups } from './groups'
import { stepBudget, type WalkGraph, type WalkOptions, type WalkStats, walkRange } from './walk'

export type WalkSourceOptions = WalkOptions & {
  /** Pins with fewer direct co-occurrence neighbours than this walk. */
  minCooc: number
  threads: number
  /** Total budgeted steps below which one thread is used; default MIN_PARALLEL_STEPS. */
  minParallelSteps?: number
}

export type WalkJob = {
  kind: 'walk'
  graph: WalkGraph
  queries: Int32Array
  start: number
  end: number
  options: WalkOptions
  lists: NeighbourLists
}

/** Below this many total budgeted steps one thread wins over starting workers. */
const MIN_PARALLEL_STEPS = 20_000_000

const sumStats = (all: WalkStats[]): WalkStats =>
  all.reduce(
    (a, s) => ({
      queries: a.queries + s.queries,
      steps: a.steps + s.steps,
      walks: a.walks + s.walks,
      stoppedEarly: a.stoppedEarly + s.stoppedEarly,
    }),
    {
      queries: 0,
      steps: 0,
      walks: 0,
      stoppedEarly: 0,
    }
  )

/**
 * Walk from every pin whose co-occurrence list holds fewer than `minCooc` neighbours (all pins when
 * `coocCounts` is null), among `rows` when given. Rows of pins that do not walk stay empty.
 */
export async function walkSource(
  groups: Groups,
  pinCount: number,
  coocCounts: Int32Array | null,
  options: WalkSourceOptions,
  rows?: Uint8Array
): Promise<{ lists: NeighbourLists; stats: WalkStats & { threads: number } }> {
  const byItem = transposeGroups(groups, pinCount)
  const picked: number[] = []
  let budget = 0
  for (let p = 0; p < pinCount; p++) {
    const degree = byItem.offsets[p + 1]! - byItem.offsets[p]!
    const wanted = !rows || rows[p] === 1
    if (wanted && degree > 0 && (!coocCounts || coocCounts[p]! < options.minCooc)) {
      picked.push(p)
      budget += stepBudget(options.steps, degree)
    }
  }
  const queries = Int32Array.from(picked)
  const threads =
    budget < (options.minParallelSteps ?? MIN_PARALLEL_STEPS) ? 1 : Math.max(1, options.threads)
  const walkOptions: WalkOptions = {
    topN: options.topN,
    steps: options.steps,
    restart: options.restart,
    stopPins: options.stopPins,
    stopVisits: options.stopVisits,
    seed: options.seed,
  }
  if (threads === 1) {
    const lists = createNeighbourLists(pinCount, options.topN)
    const stats = walkRange({ groups, byItem }, queries, 0, queries.length, walkOptions, lists)
    return { lists, stats: { ...stats, threads } }
  }
  const lists = createNeighbourLists(pinCount, options.topN, { shared: true })
  const graph: WalkGraph = {
    groups: { offsets: share(groups.offsets), items: share(groups.items) },
    byItem: { offsets: share(byItem.offsets), items: share(byItem.items) },
  }
  const sharedQueries = share(queries)
  // Interleaved halves would balance better, but contiguous ranges keep each thread's rows apart.
  const bounds = Array.from({ length: threads + 1 }, (_, t) =>
    Math.round((queries.length * t) / threads)
  )
  const jobs: WalkJob[] = bounds.slice(1).map((end, t) => ({
    kind: 'walk',
    graph,
    queries: sharedQueries,
    start: bounds[t]!,
    end,
    options: walkOptions,
    lists,
  }))
  const results = await runThreads<WalkJob, WalkStats>(THREAD_ENTRY, jobs, {
    stage: 'cooccur',
    label: 'walk',
  })
  return { lists, stats: { ...sumStats(results), threads } }
}
