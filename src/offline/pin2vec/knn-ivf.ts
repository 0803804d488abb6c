/**
 * @module
 * Approximate cosine neighbours for large vocabularies: an inverted-file index. Spherical k-means
 * on a sample picks `lists` centroids (knn-kmeans.ts); every row joins one list (its nearest with
 * room) and visits its `probes` nearest lists as a query. Each list is searched exactly against all
 * the queries that visit it, so probing is per query yet the search stays a few large matMuls per
 * list; results merge into each query's running top-k. Every step works on a range of rows or
 * queries writing only its own output slots, so worker threads (knn-parallel.ts) can split it.
 */

import type * as tf from '@tensorflow/tfjs'
import { withFastBackend } from './backend'
import { exactSearch, gatherRows, normalisedRows, type RowMatrix, writeUnitRow } from './knn-exact'
import { nearestLists, trainCentroids } from './knn-kmeans'
import { buildScanIndex, scanLists } from './knn-scan'
import { sortHeapRows } from './knn-select'

export type IvfOptions = {
  /** Number of lists (default round(sqrt(rows))). */
  lists?: number
  /** Nearest lists each query visits (default 16). */
  probes?: number
  /** k-means iterations on the sample (default 8). */
  iterations?: number
  /** Sample rows per list for k-means (default 32). */
  samplePerList?: number
  /**
   * List search: 'int16' (default when dims is a multiple of 8) runs the generated SIMD kernel on
   * quantised rows (knn-kernel.ts); 'float' runs tfjs matMul on the float rows.
   */
  kernel?: 'int16' | 'float'
}

export type IvfPlan = Required<IvfOptions>

/** Defaults, clamped to the row count. */
export function resolveIvfPlan(count: number, options?: IvfOptions): IvfPlan {
  const lists = Math.max(1, Math.min(count, options?.lists ?? Math.round(Math.sqrt(count))))
  return {
    lists,
    probes: Math.max(1, Math.min(lists, options?.probes ?? 16)),
    iterations: options?.iterations ?? 8,
    samplePerList: options?.samplePerList ?? 32,
    kernel: options?.kernel ?? 'int16',
  }
}

/** Whether the int16 kernel runs: asked for, and the row width fits its 8-lane loads. */
export function usesKernel(plan: IvfPlan, dims: number): boolean {
  return plan.kernel === 'int16' && dims % 8 === 0
}

/** Row positions grouped by list: items[start[c] .. start[c + 1]) belong to list c, ascending. */
export type Csr = { start: Int32Array; items: Int32Array }

/**
 * Members (each row once) and visitors of every list: `nearest` holds each row in its nearest list,
 * `others` in its other probed lists. Searching all nearest visits first fills every heap from the
 * best list, so the later visits' candidates mostly fall below the k-th best and cost nothing.
 */
export type IvfLists = { members: Csr; nearest: Csr; others: Csr }

/**
 * Lists from the probe table ([count * probes], nearest first). Only rows with `queries[pos] = 1`
 * (default all) visit lists as queries; every row is a member. Each row joins the nearest of its
 * probed lists that has room: unbounded lists grew to 15x the mean at 1M pins, and the search
 * costs (queries visiting a list) x (its members).
 */
export function buildLists(
  probeIds: Int32Array,
  count: number,
  plan: IvfPlan,
  queries?: Uint8Array
): IvfLists {
  const { lists, probes } = plan
  const capacity = Math.ceil((2 * count) / lists)
  const sizes = new Int32Array(lists)
  const owner = new Int32Array(count)
  for (let i = 0; i < count; i++) {
    let c = probeIds[i * probes] as number
    for (let p = 0; p < probes; p++) {
      const candidate = probeIds[i * probes + p] as number
      if (candidate >= 0 && (sizes[candidate] as number) < capacity) {
        c = candidate
        break
      }
    }
    owner[i] = c
    sizes[c]!++
  }
  const first = new Int32Array(count)
  const rest = probeIds.slice()
  for (let i = 0; i < count; i++) {
    const visits = !queries || queries[i] === 1
    first[i] = visits ? (probeIds[i * probes] as number) : -1
    rest.fill(-1, i * probes, visits ? i * probes + 1 : (i + 1) * probes)
  }
  return {
    members: csr(lists, count, 1, owner),
    nearest: csr(lists, count, 1, first),
    others: csr(lists, count, probes, rest),
  }
}

/** Group `count` rows by `per` list labels each (labels[i * per + j], -1 skipped). */
function csr(lists: number, count: number, per: number, labels: Int32Array): Csr {
  const start = new Int32Array(lists + 1)
  for (let i = 0; i < count * per; i++) {
    const c = labels[i] as number
    if (c >= 0) {
      start[c + 1]!++
    }
  }
  for (let c = 0; c < lists; c++) {
    start[c + 1]! += start[c] as number
  }
  const items = new Int32Array(start[lists] as number)
  const fill = start.slice(0, lists)
  for (let i = 0; i < count * per; i++) {
    const c = labels[i] as number
    if (c >= 0) {
      items[fill[c]!++] = Math.floor(i / per)
    }
  }
  return { start, items }
}

/** First index in sorted `items[lo, hi)` whose value is >= `value`. */
export function lowerBound(items: Int32Array, lo: number, hi: number, value: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if ((items[mid] as number) < value) {
      lo = mid + 1
    } else {
      hi = mid
    }
  }
  return lo
}

/**
 * Search every list for the queries at row positions [queryStart, queryEnd): fills their slots
 * `ids[pos] * topN` of `indices`/`scores` (start them at -1), best first. `heapSizes` ([vocab],
 * zeros) counts each row's entries while its slots are a heap. `onVisits(n)` reports progress in
 * query-list visits.
 */
export function searchLists(
  rows: RowMatrix,
  lists: IvfLists,
  topN: number,
  indices: Int32Array,
  scores: Float32Array,
  queryStart: number,
  queryEnd: number,
  heapSizes: Int32Array,
  onVisits?: (visits: number) => void
): void {
  const { values, ids, dims } = rows
  const { members } = lists
  const listCount = members.start.length - 1
  for (const visitors of [lists.nearest, lists.others]) {
    for (let c = 0; c < listCount; c++) {
      const m0 = members.start[c] as number
      const m1 = members.start[c + 1] as number
      const v0 = visitors.start[c] as number
      const v1 = visitors.start[c + 1] as number
      const q0 = lowerBound(visitors.items, v0, v1, queryStart)
      const q1 = lowerBound(visitors.items, q0, v1, queryEnd)
      if (m0 === m1 || q0 === q1) {
        continue
      }
      const memberPos = members.items.subarray(m0, m1)
      const queryPos = visitors.items.subarray(q0, q1)
      const candidates: RowMatrix = {
        values: gatherRows(values, dims, memberPos),
        ids: memberPos.map((p) => ids[p] as number),
        dims,
      }
      const queryIds = queryPos.map((p) => ids[p] as number)
      // Each query meets each candidate once (lists partition the rows): merging cannot duplicate.
      exactSearch(
        candidates,
        gatherRows(values, dims, queryPos),
        queryIds,
        queryIds,
        topN,
        indices,
        scores,
        undefined,
        heapSizes
      )
      onVisits?.(q1 - q0)
    }
  }
  sortHeapRows(ids.subarray(queryStart, queryEnd), topN, indices, scores, heapSizes)
}

/**
 * IVF search over unit rows on the calling thread: fills `indices`/`scores` at row `ids[i] * topN`
 * like the exact search, with approximate results; only for the positions with `queries[i] = 1`
 * when given.
 */
export function ivfNeighbours(
  rows: RowMatrix,
  topN: number,
  indices: Int32Array,
  scores: Float32Array,
  options?: IvfOptions,
  onVisits?: (visits: number) => void,
  queries?: Uint8Array
): void {
  const count = rows.ids.length
  const plan = resolveIvfPlan(count, options)
  const centroids = trainCentroids(rows, plan.lists, plan.iterations, plan.samplePerList)
  const probeIds = new Int32Array(count * plan.probes)
  nearestLists(rows.values, rows.dims, centroids, plan.probes, 0, count, probeIds)
  const lists = buildLists(probeIds, count, plan, queries)
  const heapSizes = new Int32Array(indices.length / topN)
  if (usesKernel(plan, rows.dims)) {
    const index = buildScanIndex(rows, lists, 1)
    scanLists(rows, lists, index, 0, topN, indices, scores, 0, count, heapSizes, onVisits)
  } else {
    searchLists(rows, lists, topN, indices, scores, 0, count, heapSizes, onVisits)
  }
}

/**
 * Recall of approximate neighbour lists against exact search, on `sampleRows` token ids: the share
 * of each sampled row's exact top-`topN` that the approximate list's first `topN` also holds
 * (`approxTopN` is the approximate lists' stride, default `topN`).
 */
export function recallAgainstExact(
  embeddings: tf.Tensor2D,
  trained: Uint8Array,
  approx: Int32Array,
  topN: number,
  sampleRows: Int32Array,
  approxTopN = topN
): number {
  const rows = normalisedRows(embeddings, trained)
  const dims = rows.dims
  const source = embeddings.dataSync() as Float32Array
  const queries = new Float32Array(sampleRows.length * dims)
  for (let i = 0; i < sampleRows.length; i++) {
    writeUnitRow(source, sampleRows[i] as number, queries, i, dims)
  }
  const exact = new Int32Array(sampleRows.length * topN).fill(-1)
  const outRows = Int32Array.from({ length: sampleRows.length }, (_, i) => i)
  withFastBackend(() =>
    exactSearch(rows, queries, sampleRows, outRows, topN, exact, new Float32Array(exact.length))
  )
  return recallOfLists(exact, approx, topN, sampleRows, approxTopN)
}

/** Share of each exact list (row i of `exact`, for token `sampleRows[i]`) found in its approximate list. */
export function recallOfLists(
  exact: Int32Array,
  approx: Int32Array,
  topN: number,
  sampleRows: Int32Array,
  approxTopN = topN
): number {
  let hit = 0
  let total = 0
  for (let i = 0; i < sampleRows.length; i++) {
    const base = (sampleRows[i] as number) * approxTopN
    const got = new Set(approx.subarray(base, base + topN))
    for (let j = 0; j < topN; j++) {
      const e = exact[i * topN + j] as number
      if (e >= 0) {
        total++
        hit += got.has(e) ? 1 : 0
      }
    }
  }
  return total > 0 ? hit / total : 1
}
