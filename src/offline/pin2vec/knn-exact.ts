/**
 * @module
 * Exact blocked cosine search with tfjs matMul: the building block of the exact and IVF searches.
 * The unit rows live once, in a compact JS array; tfjs only ever holds one query block and one
 * candidate block, so the wasm heap (which never shrinks) stays a few tens of MB at 1M pins.
 */

import * as tf from '@tensorflow/tfjs'
import { selectTopHeap, selectTopRows } from './knn-select'

/** Score-matrix budget per block (floats), so a block stays ~64 MB whatever the vocabulary. */
export const MAX_BLOCK_FLOATS = 1 << 24
/** Candidate columns per matMul: 16k x 64 dims is a 4 MB block. */
const CANDIDATE_BLOCK = 16_384

/** L2-normalised rows [count, dims] in one Float32Array, and the token id of each row. */
export type RowMatrix = { values: Float32Array; ids: Int32Array; dims: number }

/** Write row `from` of `source` into row `to` of `out`, scaled to unit length. */
export function writeUnitRow(
  source: Float32Array,
  from: number,
  out: Float32Array,
  to: number,
  dims: number
): void {
  const base = from * dims
  let norm = 0
  for (let k = 0; k < dims; k++) {
    norm += (source[base + k] as number) ** 2
  }
  const scale = 1 / Math.max(Math.sqrt(norm), 1e-12)
  for (let k = 0; k < dims; k++) {
    out[to * dims + k] = (source[base + k] as number) * scale
  }
}

/**
 * Trained rows, L2-normalised and compacted: the search's only full-size copy of the table. With
 * `shared`, both arrays live on SharedArrayBuffer so worker threads read them without a copy.
 */
export function normalisedRows(
  embeddings: tf.Tensor2D,
  trained: Uint8Array,
  shared = false
): RowMatrix {
  const dims = embeddings.shape[1]
  const source = embeddings.dataSync() as Float32Array
  let count = 0
  for (let t = 0; t < trained.length; t++) {
    count += trained[t] === 1 ? 1 : 0
  }
  const Backing = shared ? SharedArrayBuffer : ArrayBuffer
  const ids = new Int32Array(new Backing(count * 4))
  const values = new Float32Array(new Backing(count * dims * 4))
  let row = 0
  for (let t = 0; t < trained.length; t++) {
    if (trained[t] !== 1) {
      continue
    }
    ids[row] = t
    writeUnitRow(source, t, values, row, dims)
    row++
  }
  return { values, ids, dims }
}

/** Rows `pos` of `values` (all rows when omitted), gathered into a new [pos.length, dims] array. */
export function gatherRows(values: Float32Array, dims: number, pos: Int32Array): Float32Array {
  const out = new Float32Array(pos.length * dims)
  for (let i = 0; i < pos.length; i++) {
    const p = pos[i] as number
    out.set(values.subarray(p * dims, (p + 1) * dims), i * dims)
  }
  return out
}

/** [dims, n] transpose of rows [start, start + n): matMul without transposeB is 5x faster on wasm. */
function transposed(values: Float32Array, dims: number, start: number, n: number): tf.Tensor2D {
  const out = new Float32Array(dims * n)
  for (let i = 0; i < n; i++) {
    const base = (start + i) * dims
    for (let k = 0; k < dims; k++) {
      out[k * n + i] = values[base + k] as number
    }
  }
  return tf.tensor2d(out, [dims, n])
}

/**
 * Exact top-`topN` of each query row (`queries` [q, dims], ids `queryIds`, a row never its own
 * neighbour) among the candidate rows, merged into the lists at `outRows[i] * topN` of
 * `indices`/`scores` (start them at -1): candidate blocks, and IVF lists, combine there. With
 * `heapSizes` (IVF) the slots hold heaps (selectTopHeap): sort them with sortHeapRows at the end.
 */
export function exactSearch(
  candidates: RowMatrix,
  queries: Float32Array,
  queryIds: Int32Array,
  outRows: Int32Array,
  topN: number,
  indices: Int32Array,
  scores: Float32Array,
  blockSize?: number,
  heapSizes?: Int32Array
): void {
  const { values, ids, dims } = candidates
  const count = ids.length
  const queryCount = queryIds.length
  const cols = Math.min(count, CANDIDATE_BLOCK)
  const block = Math.max(
    1,
    blockSize ?? Math.min(1024, Math.floor(MAX_BLOCK_FLOATS / Math.max(1, cols)))
  )
  for (let c0 = 0; c0 < count; c0 += CANDIDATE_BLOCK) {
    const m = Math.min(CANDIDATE_BLOCK, count - c0)
    const candidatesT = transposed(values, dims, c0, m)
    const blockIds = ids.subarray(c0, c0 + m)
    try {
      for (let start = 0; start < queryCount; start += block) {
        const rows = Math.min(block, queryCount - start)
        const product = tf.tidy(() =>
          tf.matMul(
            tf.tensor2d(queries.subarray(start * dims, (start + rows) * dims), [rows, dims]),
            candidatesT
          )
        )
        const scoreBlock = product.dataSync() as Float32Array
        product.dispose()
        if (heapSizes) {
          selectTopHeap(
            scoreBlock,
            rows,
            m,
            blockIds,
            queryIds.subarray(start, start + rows),
            outRows.subarray(start, start + rows),
            topN,
            indices,
            scores,
            heapSizes
          )
        } else {
          selectTopRows(
            scoreBlock,
            rows,
            m,
            blockIds,
            queryIds.subarray(start, start + rows),
            outRows.subarray(start, start + rows),
            topN,
            indices,
            scores,
            true
          )
        }
      }
    } finally {
      candidatesT.dispose()
    }
  }
}
