/**
 * @module
 * Exact blocked cosine search with tfjs matMul: the building block of the exact and IVF searches.
 */

import * as tf from '@tensorflow/tfjs'
import { selectTopRows } from './knn-select'

/** Score-matrix budget per block (floats), so a block stays ~64 MB whatever the vocabulary. */
export const MAX_BLOCK_FLOATS = 1 << 24
/** Trained rows, L2-normalised and compacted into one [count, dims] tensor, plus their ids. */
export function normalisedRows(embeddings: tf.Tensor2D, trained: Uint8Array): { rows: tf.Tensor2D; ids: Int32Array } {
  const ids: number[] = []
  for (let t = 0; t < trained.length; t++) {
    if (trained[t] === 1) {
      ids.push(t)
    }
  }
  const idArray = Int32Array.from(ids)
  const rows = tf.tidy(() => {
    const gathered = tf.gather(embeddings, idArray)
    const norms = tf.norm(gathered, 'euclidean', 1, true)
    return tf.div(gathered, tf.maximum(norms, 1e-12)) as tf.Tensor2D
  })
  return { rows, ids: idArray }
}

/**
 * Exact top-`topN` of `queries` (rows of `candidates`, given by position) among all candidates.
 * `candidatesT` is the [dims, count] transpose: matMul without transposeB is 5x faster on wasm.
 */
export function exactSearch(
  candidatesT: tf.Tensor2D,
  candidateIds: Int32Array,
  queries: tf.Tensor2D,
  queryIds: Int32Array,
  outRows: Int32Array,
  topN: number,
  indices: Int32Array,
  scores: Float32Array,
  blockSize?: number
): void {
  const [count, dims] = [candidatesT.shape[1], queries.shape[1]]
  const block = Math.max(1, blockSize ?? Math.min(1024, Math.floor(MAX_BLOCK_FLOATS / Math.max(1, count))))
  for (let start = 0; start < queries.shape[0]; start += block) {
    const rows = Math.min(block, queries.shape[0] - start)
    const product = tf.tidy(() => tf.matMul(tf.slice(queries, [start, 0], [rows, dims]), candidatesT))
    const values = product.dataSync() as Float32Array
    product.dispose()
    selectTopRows(
      values, rows, count, candidateIds,
      queryIds.subarray(start, start + rows), outRows.subarray(start, start + rows),
      topN, indices, scores
    )
  }
}

