/**
 * @module
 * The IVF search on several cores. Rows, lists and outputs live on SharedArrayBuffer; each worker
 * thread takes a contiguous range of rows, first to find their nearest lists, then to search those
 * rows as queries. A worker writes only its own rows' slots, so there is no lock and the result is
 * the same for a given thread count (the score blocks, hence the floats, depend on the split).
 */

import type { Logger } from '../log'
import { runThreads, sharedArray } from '../threads'
import { withFastBackend } from './backend'
import type { RowMatrix } from './knn-exact'
import {
  buildLists,
  type Csr,
  type IvfLists,
  type IvfPlan,
  searchLists,
  usesKernel,
} from './knn-ivf'
import { nearestLists, trainCentroids } from './knn-kmeans'
import { buildScanIndex, type ScanIndex, scanLists } from './knn-scan'

export type KnnJob =
  | {
      kind: 'probe'
      values: Float32Array
      dims: number
      centroids: Float32Array
      probes: number
      start: number
      end: number
      probeIds: Int32Array
    }
  | {
      kind: 'search'
      rows: RowMatrix
      lists: IvfLists
      topN: number
      indices: Int32Array
      scores: Float32Array
      start: number
      end: number
      /** [vocab] heap sizes (knn-select.ts selectTopHeap), shared. */
      heapSizes: Int32Array
      /** The int16 kernel's memory and this job's scratch region, or null for tfjs matMul. */
      scan: { index: ScanIndex; thread: number } | null
      /** [1] query-list visits done, read by the main thread for progress. */
      progress: Float64Array
    }

/** What a worker runs (knn-thread-entry.ts), with the wasm backend active. */
export function runKnnJob(job: KnnJob): void {
  if (job.kind === 'probe') {
    nearestLists(job.values, job.dims, job.centroids, job.probes, job.start, job.end, job.probeIds)
    return
  }
  const onVisits = (n: number): void => {
    job.progress[0]! += n
  }
  if (job.scan) {
    const { index, thread } = job.scan
    const { rows, lists, topN, indices, scores, start, end, heapSizes } = job
    scanLists(rows, lists, index, thread, topN, indices, scores, start, end, heapSizes, onVisits)
    return
  }
  const { rows, lists, topN, indices, scores, start, end, heapSizes } = job
  searchLists(rows, lists, topN, indices, scores, start, end, heapSizes, onVisits)
}

const sharedInt32 = (length: number): Int32Array => sharedArray(Int32Array, length)
const THREADS = { stage: 'neighbours', label: 'neighbour search' } as const

function shareCsr(csr: Csr): Csr {
  const start = sharedInt32(csr.start.length)
  start.set(csr.start)
  const items = sharedInt32(csr.items.length)
  items.set(csr.items)
  return { start, items }
}

/** Cut [0, count) into `parts` contiguous ranges of equal size. */
function ranges(count: number, parts: number): [number, number][] {
  return Array.from({ length: parts }, (_, p) => [
    Math.floor((count * p) / parts),
    Math.floor((count * (p + 1)) / parts),
  ])
}

export type ParallelIvfOptions = {
  plan: IvfPlan
  threads: number
  log: Logger
  /** 1 at the row positions to search as queries (default all); see buildLists. */
  queries?: Uint8Array
}

/**
 * IVF search with `threads` worker threads. `rows` must be shared (normalisedRows(…, true)) and
 * `indices`/`scores` allocated on SharedArrayBuffer and filled with -1 / 0.
 */
export async function ivfNeighboursParallel(
  rows: RowMatrix,
  topN: number,
  indices: Int32Array,
  scores: Float32Array,
  options: ParallelIvfOptions
): Promise<void> {
  const { plan, threads, log } = options
  const count = rows.ids.length
  const entry = new URL('./knn-thread-entry.ts', import.meta.url)
  const parts = ranges(count, threads)

  const doneCentroids = log.step('neighbours', `k-means: ${plan.lists.toLocaleString('en')} lists`)
  const centroids = withFastBackend(() =>
    trainCentroids(rows, plan.lists, plan.iterations, plan.samplePerList)
  )
  doneCentroids()

  const doneProbe = log.step('neighbours', `nearest ${plan.probes} lists of every row`)
  const probeIds = sharedInt32(count * plan.probes)
  await runThreads<KnnJob, number>(
    entry,
    parts.map(([start, end]) => ({
      kind: 'probe',
      values: rows.values,
      dims: rows.dims,
      centroids,
      probes: plan.probes,
      start,
      end,
      probeIds,
    })),
    THREADS
  )
  const built = buildLists(probeIds, count, plan, options.queries)
  const lists: IvfLists = {
    members: shareCsr(built.members),
    nearest: shareCsr(built.nearest),
    others: shareCsr(built.others),
  }
  doneProbe()

  const total = built.nearest.items.length + built.others.items.length
  const progress = parts.map(() => new Float64Array(new SharedArrayBuffer(8)))
  const started = performance.now()
  const report = (force: boolean): void => {
    const done = progress.reduce((a, p) => a + (p[0] as number), 0)
    const seconds = (performance.now() - started) / 1000
    const rate = done / Math.max(seconds, 1e-9)
    const eta = rate > 0 ? (total - done) / rate : Number.POSITIVE_INFINITY
    log.progress(
      'neighbours',
      `searched ${done.toLocaleString('en')}/${total.toLocaleString('en')} query-list visits, ` +
        `${Math.round(rate).toLocaleString('en')}/s, ETA ${Number.isFinite(eta) ? `${eta.toFixed(0)} s` : '?'}`,
      force
    )
  }
  const heapSizes = sharedInt32(indices.length / topN)
  const index = usesKernel(plan, rows.dims) ? buildScanIndex(rows, built, threads) : null
  const timer = setInterval(() => report(false), 1000)
  try {
    await runThreads<KnnJob, number>(
      entry,
      parts.map(([start, end], p) => ({
        kind: 'search',
        rows,
        lists,
        topN,
        indices,
        scores,
        start,
        end,
        heapSizes,
        scan: index ? { index, thread: p } : null,
        progress: progress[p]!,
      })),
      THREADS
    )
  } finally {
    clearInterval(timer)
  }
  report(true)
}
