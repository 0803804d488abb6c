/**
 * @module
 * The IVF list search on the int16 SIMD kernel (knn-kernel.ts). The quantised rows sit in one
 * shared WebAssembly memory in list order, so a list's members are one contiguous run; each thread
 * has its own scratch region for a block of queries, their floors and the kernel's output.
 */

import type { RowMatrix } from './knn-exact'
import type { IvfLists } from './knn-ivf'
import {
  createScanMemory,
  instantiateScan,
  QUANT_SCALE,
  type ScanFn,
  type ScanMemory,
} from './knn-kernel'
import { heapOffer, sortHeapRows } from './knn-select'

/** Queries per kernel call: the output region holds QUERY_BLOCK x (largest list) triples. */
const QUERY_BLOCK = 128

/** Where things live in the kernel memory (byte offsets). */
export type ScanLayout = {
  dims: number
  /** Table row of each row position (members in list order). */
  tableRow: Int32Array
  /** Scratch region of thread t starts at scratch + t * scratchStride. */
  scratch: number
  scratchStride: number
  /** Largest list: bounds one kernel call's output. */
  maxList: number
}

export type ScanIndex = { memory: ScanMemory; layout: ScanLayout }

/** Bytes of kernel memory for `count` rows, `threads` scratch regions and the largest list. */
export function scanMemoryBytes(
  count: number,
  dims: number,
  maxList: number,
  threads: number
): number {
  return count * dims * 2 + threads * scratchBytes(dims, maxList)
}

function scratchBytes(dims: number, maxList: number): number {
  return QUERY_BLOCK * (dims * 2 + 4) + QUERY_BLOCK * maxList * 12 + 64
}

/** Quantise the unit rows into a new shared kernel memory, members of each list contiguous. */
export function buildScanIndex(rows: RowMatrix, lists: IvfLists, threads: number): ScanIndex {
  const { values, dims } = rows
  const count = rows.ids.length
  const { start, items } = lists.members
  let maxList = 0
  for (let c = 0; c + 1 < start.length; c++) {
    maxList = Math.max(maxList, (start[c + 1] as number) - (start[c] as number))
  }
  const memory = createScanMemory(scanMemoryBytes(count, dims, maxList, threads))
  const table = new Int16Array(memory.buffer, 0, count * dims)
  const tableRow = new Int32Array(new SharedArrayBuffer(count * 4))
  for (let k = 0; k < count; k++) {
    const p = items[k] as number
    tableRow[p] = k
    for (let d = 0; d < dims; d++) {
      table[k * dims + d] = Math.round((values[p * dims + d] as number) * QUANT_SCALE)
    }
  }
  const scratch = Math.ceil((count * dims * 2) / 16) * 16
  return {
    memory,
    layout: { dims, tableRow, scratch, scratchStride: scratchBytes(dims, maxList), maxList },
  }
}

/**
 * searchLists (knn-ivf.ts) on the kernel: queries at row positions [queryStart, queryEnd), using
 * scratch region `thread`. Scores are dot products of the int16 rows / 32767^2.
 */
export function scanLists(
  rows: RowMatrix,
  lists: IvfLists,
  index: ScanIndex,
  thread: number,
  topN: number,
  indices: Int32Array,
  scores: Float32Array,
  queryStart: number,
  queryEnd: number,
  heapSizes: Int32Array,
  onVisits?: (visits: number) => void,
  scan: ScanFn = instantiateScan(index.layout.dims, index.memory)
): void {
  const { ids } = rows
  const { dims, tableRow, maxList } = index.layout
  const buffer = index.memory.buffer
  const table = new Int16Array(buffer, 0, ids.length * dims)
  const base = index.layout.scratch + thread * index.layout.scratchStride
  const queryPos = base
  const floorPtr = queryPos + QUERY_BLOCK * dims * 2
  const outPtr = floorPtr + QUERY_BLOCK * 4
  const queries = new Int16Array(buffer, queryPos, QUERY_BLOCK * dims)
  const floors = new Int32Array(buffer, floorPtr, QUERY_BLOCK)
  const out = new Int32Array(buffer, outPtr, QUERY_BLOCK * maxList * 3)
  const queryIds = new Int32Array(QUERY_BLOCK)
  const inv = 1 / (QUANT_SCALE * QUANT_SCALE)
  const scale2 = QUANT_SCALE * QUANT_SCALE
  const { members } = lists
  const listCount = members.start.length - 1
  // The nearest pass sees every query with an empty heap: the kernel returns all its pairs, and
  // only those at or above the topN-th best score (found by selection on the ints) are offered.
  const select = new Int32Array(maxList)
  for (const [visitors, nearestPass] of [
    [lists.nearest, true],
    [lists.others, false],
  ] as const) {
    for (let c = 0; c < listCount; c++) {
      const m0 = members.start[c] as number
      const m1 = members.start[c + 1] as number
      const v1 = visitors.start[c + 1] as number
      let q0 = lowerBound(visitors.items, visitors.start[c] as number, v1, queryStart)
      const qEnd = lowerBound(visitors.items, q0, v1, queryEnd)
      if (m0 === m1) {
        continue
      }
      const visits = qEnd - q0
      for (; q0 < qEnd; q0 += QUERY_BLOCK) {
        const nq = Math.min(QUERY_BLOCK, qEnd - q0)
        for (let i = 0; i < nq; i++) {
          const p = visitors.items[q0 + i] as number
          const from = (tableRow[p] as number) * dims
          queries.set(table.subarray(from, from + dims), i * dims)
          const id = ids[p] as number
          queryIds[i] = id
          // Pairs at or below the k-th best cannot enter the heap: the kernel drops them.
          floors[i] =
            heapSizes[id] === topN ? Math.floor((scores[id * topN] as number) * scale2) : INT_MIN
        }
        const found = scan(queryPos, nq, m0 * dims * 2, m1 - m0, floorPtr, outPtr)
        let t = 0
        while (t < found) {
          const qi = out[3 * t] as number
          const query = queryIds[qi] as number
          let end = t
          while (end < found && out[3 * end] === qi) {
            end++
          }
          let threshold = INT_MIN
          if (nearestPass && end - t > topN) {
            let n = 0
            for (let u = t; u < end; u++) {
              const cand = ids[members.items[m0 + (out[3 * u + 1] as number)] as number]
              if (cand !== query) {
                select[n++] = out[3 * u + 2] as number
              }
            }
            if (n > topN) {
              threshold = kthLargest(select, n, topN)
            }
          }
          const slot = query * topN
          for (; t < end; t++) {
            const acc = out[3 * t + 2] as number
            if (acc < threshold) {
              continue
            }
            const candidate = ids[
              members.items[m0 + (out[3 * t + 1] as number)] as number
            ] as number
            if (candidate === query) {
              continue
            }
            const s = Math.fround(acc * inv)
            const size = heapSizes[query] as number
            if (size === topN && !(s > (scores[slot] as number))) {
              continue
            }
            heapSizes[query] = heapOffer(indices, scores, slot, size, topN, s, candidate)
          }
        }
      }
      onVisits?.(visits)
    }
  }
  sortHeapRows(ids.subarray(queryStart, queryEnd), topN, indices, scores, heapSizes)
}

const INT_MIN = -(2 ** 31)

/** The k-th largest of values[0, n) (1-based k <= n), reordering them: Hoare quickselect. */
export function kthLargest(values: Int32Array, n: number, k: number): number {
  let lo = 0
  let hi = n - 1
  const target = k - 1
  while (lo < hi) {
    const pivot = values[(lo + hi) >> 1] as number
    let i = lo
    let j = hi
    while (i <= j) {
      while ((values[i] as number) > pivot) {
        i++
      }
      while ((values[j] as number) < pivot) {
        j--
      }
      if (i <= j) {
        const tmp = values[i] as number
        values[i] = values[j] as number
        values[j] = tmp
        i++
        j--
      }
    }
    if (target <= j) {
      hi = j
    } else if (target >= i) {
      lo = i
    } else {
      return values[target] as number
    }
  }
  return values[target] as number
}

/** First index in sorted `items[lo, hi)` whose value is >= `value`. */
function lowerBound(items: Int32Array, lo: number, hi: number, value: number): number {
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
