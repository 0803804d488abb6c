/**
 * @module
 * Co-occurrence on several cores: worker threads (src/offline/threads.ts) run cooccurRange over
 * disjoint pin ranges of shared tables, each writing its own rows of the shared output lists.
 */

import { createNeighbourLists, type NeighbourLists } from '../neighbour-lists'
import { runThreads, share } from '../threads'
import { type CooccurOptions, type CoocTables, cooccurRange, prepareTables } from './cooccur'
import type { Groups } from './groups'

/** Below this many estimated pair updates one thread wins: a worker costs ~0.3 s to start under tsx. */
export const MIN_PARALLEL_UPDATES = 20_000_000

/** The board-graph stages' thread entry: runs a co-occurrence or a walk job. */
export const THREAD_ENTRY = new URL('./thread-entry.ts', import.meta.url)

export type CoocJob = { kind: 'cooc'; tables: CoocTables; start: number; end: number }

const shareGroups = (g: Groups): Groups => ({ offsets: share(g.offsets), items: share(g.items) })

/**
 * Cut [0, itemCount) into `parts` ranges of about equal work, where pin i costs Σ_{g ∋ i} |g|
 * (the pair updates cooccurRange will do for it; nothing when `rows` leaves it out).
 */
export function partitionByWork(
  t: Pick<CoocTables, 'groups' | 'byItem' | 'rows'>,
  itemCount: number,
  parts: number
): number[] {
  const cost = new Float64Array(itemCount + 1)
  for (let i = 0; i < itemCount; i++) {
    let c = 1
    const computed = !t.rows || t.rows[i] === 1
    for (let k = t.byItem.offsets[i]!; computed && k < t.byItem.offsets[i + 1]!; k++) {
      const g = t.byItem.items[k]!
      c += t.groups.offsets[g + 1]! - t.groups.offsets[g]!
    }
    cost[i + 1] = cost[i]! + c
  }
  const bounds = [0]
  let i = 0
  for (let p = 1; p < parts; p++) {
    const target = (cost[itemCount]! * p) / parts
    while (i < itemCount && cost[i]! < target) {
      i++
    }
    bounds.push(i)
  }
  bounds.push(itemCount)
  return bounds
}

/** Estimated pair updates Σ_g |g|(|g| - 1), to decide whether threads pay. */
export function estimatePairUpdates(groups: Groups): number {
  let n = 0
  for (let g = 0; g + 1 < groups.offsets.length; g++) {
    const s = groups.offsets[g + 1]! - groups.offsets[g]!
    n += s * (s - 1)
  }
  return n
}

/**
 * Co-occurrence with up to `threads` worker threads; falls back to the calling thread when one
 * thread is asked for or the work is below MIN_PARALLEL_UPDATES. Same output as cooccur().
 */
export async function cooccurParallel(
  groups: Groups,
  itemCount: number,
  options: CooccurOptions & { threads: number; minParallelUpdates?: number; rows?: Uint8Array }
): Promise<{ lists: NeighbourLists; pairUpdates: number; threads: number }> {
  const rows = options.rows ? { rows: options.rows } : {}
  if (
    options.threads <= 1 ||
    estimatePairUpdates(groups) < (options.minParallelUpdates ?? MIN_PARALLEL_UPDATES)
  ) {
    const tables = { ...prepareTables(groups, itemCount, options), ...rows }
    return { lists: tables.lists, pairUpdates: cooccurRange(tables, 0, itemCount), threads: 1 }
  }
  const shared = createNeighbourLists(itemCount, options.topN, { shared: true })
  const local = prepareTables(groups, itemCount, options, shared)
  const tables: CoocTables = {
    ...local,
    groups: shareGroups(local.groups),
    byItem: shareGroups(local.byItem),
    weights: share(local.weights),
    degree: share(local.degree),
    ...(options.rows ? { rows: share(options.rows) } : {}),
  }
  const bounds = partitionByWork(tables, itemCount, options.threads)
  const jobs: CoocJob[] = bounds
    .slice(1)
    .map((end, p) => ({ kind: 'cooc', tables, start: bounds[p]!, end }))
  const updates = await runThreads<CoocJob, number>(THREAD_ENTRY, jobs, {
    stage: 'cooccur',
    label: 'co-occurrence',
  })
  return {
    lists: tables.lists,
    pairUpdates: updates.reduce((a, b) => a + b, 0),
    threads: jobs.length,
  }
}
