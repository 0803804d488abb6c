/**
 * @module
 * Co-occurrence on several cores: worker threads run cooccurRange over disjoint pin ranges of
 * tables shared through SharedArrayBuffer, each writing its own rows of the shared output lists.
 */

import { Worker } from 'node:worker_threads'
import { BuildError } from '../errors'
import type { NeighbourLists } from '../neighbour-lists'
import { type CooccurOptions, type CoocTables, cooccurRange, prepareTables } from './cooccur'
import type { Groups } from './groups'

/** Below this many estimated pair updates one thread wins: a worker costs ~0.3 s to start under tsx. */
export const MIN_PARALLEL_UPDATES = 20_000_000

export type CoocJob = { tables: CoocTables; start: number; end: number }

function share<T extends Int32Array | Float64Array | Float32Array>(array: T): T {
  const Ctor = array.constructor as new (buffer: SharedArrayBuffer) => T
  const copy = new Ctor(new SharedArrayBuffer(array.byteLength))
  copy.set(array as never)
  return copy
}

function sharedLists(itemCount: number, topN: number): NeighbourLists {
  const indices = new Int32Array(new SharedArrayBuffer(itemCount * topN * 4)).fill(-1)
  return {
    topN,
    indices,
    scores: new Float32Array(new SharedArrayBuffer(itemCount * topN * 4)),
    counts: new Int32Array(new SharedArrayBuffer(itemCount * 4)),
  }
}

const shareGroups = (g: Groups): Groups => ({ offsets: share(g.offsets), items: share(g.items) })

/**
 * Cut [0, itemCount) into `parts` ranges of about equal work, where pin i costs Σ_{g ∋ i} |g|
 * (the pair updates cooccurRange will do for it).
 */
export function partitionByWork(
  t: Pick<CoocTables, 'groups' | 'byItem'>,
  itemCount: number,
  parts: number
): number[] {
  const cost = new Float64Array(itemCount + 1)
  for (let i = 0; i < itemCount; i++) {
    let c = 1
    for (let k = t.byItem.offsets[i]!; k < t.byItem.offsets[i + 1]!; k++) {
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

/** Loads thread-entry.ts through tsx's API (see pin2vec/threads.ts for why execArgv does not work). */
function bootstrapSource(entry: string): string {
  const tsxApi = import.meta.resolve('tsx/esm/api')
  return `import(${JSON.stringify(tsxApi)}).then((api) => api.tsImport(${JSON.stringify(entry)}, ${JSON.stringify(import.meta.url)}))`
}

/** Run `workerData` jobs on the worker module `entry`; each posts one result back. */
export async function runWorkers<J, R>(entry: string, jobs: J[]): Promise<R[]> {
  const workers = jobs.map(
    (job) => new Worker(bootstrapSource(entry), { eval: true, workerData: job })
  )
  const results = workers.map(
    (worker) =>
      new Promise<R>((resolve, reject) => {
        let result: R | null = null
        worker.once('message', (n: R) => {
          result = n
        })
        worker.once('error', (err) =>
          reject(new BuildError('cooccur', `worker failed: ${err.message}`, { cause: err }))
        )
        worker.once('exit', (code) =>
          result !== null && code === 0
            ? resolve(result)
            : reject(new BuildError('cooccur', `worker exited with code ${code} before finishing`))
        )
      })
  )
  try {
    return await Promise.all(results)
  } catch (err) {
    await Promise.all(workers.map((w) => w.terminate()))
    throw err
  }
}

/**
 * Co-occurrence with up to `threads` worker threads; falls back to the calling thread when one
 * thread is asked for or the work is below MIN_PARALLEL_UPDATES. Same output as cooccur().
 */
export async function cooccurParallel(
  groups: Groups,
  itemCount: number,
  options: CooccurOptions & { threads: number; minParallelUpdates?: number }
): Promise<{ lists: NeighbourLists; pairUpdates: number; threads: number }> {
  if (
    options.threads <= 1 ||
    estimatePairUpdates(groups) < (options.minParallelUpdates ?? MIN_PARALLEL_UPDATES)
  ) {
    const tables = prepareTables(groups, itemCount, options)
    return { lists: tables.lists, pairUpdates: cooccurRange(tables, 0, itemCount), threads: 1 }
  }
  const local = prepareTables(groups, itemCount, options, sharedLists(itemCount, options.topN))
  const tables: CoocTables = {
    ...local,
    groups: shareGroups(local.groups),
    byItem: shareGroups(local.byItem),
    weights: share(local.weights),
    degree: share(local.degree),
  }
  const bounds = partitionByWork(tables, itemCount, options.threads)
  const jobs: CoocJob[] = bounds.slice(1).map((end, p) => ({ tables, start: bounds[p]!, end }))
  const entry = new URL('./thread-entry.ts', import.meta.url).href
  const updates = await runWorkers<CoocJob, number>(entry, jobs)
  return {
    lists: tables.lists,
    pairUpdates: updates.reduce((a, b) => a + b, 0),
    threads: jobs.length,
  }
}
