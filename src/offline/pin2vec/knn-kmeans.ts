/**
 * @module
 * Spherical k-means for the IVF index (knn-ivf.ts): centroids from an evenly strided sample, and
 * the `probes` nearest centroids of a range of rows, both as blocked tfjs matMuls.
 */

import * as tf from '@tensorflow/tfjs'
import { gatherRows, MAX_BLOCK_FLOATS, type RowMatrix } from './knn-exact'
import { selectTopRows } from './knn-select'

/** Index of the best column of each row of a [rows, cols] score block. */
function argMaxRows(
  values: Float32Array,
  rows: number,
  cols: number,
  out: Int32Array,
  offset: number
): void {
  for (let r = 0; r < rows; r++) {
    let best = 0
    let bestScore = -Infinity
    for (let c = 0; c < cols; c++) {
      const s = values[r * cols + c] as number
      if (s > bestScore) {
        bestScore = s
        best = c
      }
    }
    out[offset + r] = best
  }
}

/** [dims, lists] tensor of the centroids, the right-hand side of every centroid matMul. */
function centroidMatrix(centroids: Float32Array, lists: number, dims: number): tf.Tensor2D {
  return tf.tidy(() => tf.transpose(tf.tensor2d(centroids, [lists, dims]))) as tf.Tensor2D
}

/** Nearest centroid of every row of `values` ([count, dims]), in blocks so the score matrix stays bounded. */
function assign(values: Float32Array, dims: number, centroidsT: tf.Tensor2D): Int32Array {
  const count = values.length / dims
  const lists = centroidsT.shape[1]
  const out = new Int32Array(count)
  const block = Math.max(1, Math.floor(MAX_BLOCK_FLOATS / lists))
  for (let start = 0; start < count; start += block) {
    const n = Math.min(block, count - start)
    const product = tf.tidy(() =>
      tf.matMul(
        tf.tensor2d(values.subarray(start * dims, (start + n) * dims), [n, dims]),
        centroidsT
      )
    )
    argMaxRows(product.dataSync() as Float32Array, n, lists, out, start)
    product.dispose()
  }
  return out
}

/**
 * Spherical k-means on an evenly strided sample of `lists * samplePerList` rows, started from
 * evenly spaced sample rows: deterministic. Returns unit-norm centroids [lists, dims].
 */
export function trainCentroids(
  rows: RowMatrix,
  lists: number,
  iterations: number,
  samplePerList: number
): Float32Array {
  const { dims } = rows
  const count = rows.ids.length
  const sampleSize = Math.min(count, lists * samplePerList)
  const stride = count / sampleSize
  const samplePos = Int32Array.from({ length: sampleSize }, (_, i) => Math.floor(i * stride))
  const data = gatherRows(rows.values, dims, samplePos)
  const centroids = new Float32Array(lists * dims)
  for (let c = 0; c < lists; c++) {
    const s = Math.floor((c * sampleSize) / lists)
    centroids.set(data.subarray(s * dims, (s + 1) * dims), c * dims)
  }
  for (let it = 0; it < iterations; it++) {
    const centroidsT = centroidMatrix(centroids, lists, dims)
    const owner = assign(data, dims, centroidsT)
    centroidsT.dispose()
    const sums = new Float64Array(lists * dims)
    const sizes = new Int32Array(lists)
    for (let s = 0; s < sampleSize; s++) {
      const c = owner[s] as number
      sizes[c]!++
      for (let k = 0; k < dims; k++) {
        sums[c * dims + k]! += data[s * dims + k] as number
      }
    }
    for (let c = 0; c < lists; c++) {
      if (sizes[c] === 0) {
        continue // an empty list keeps its centroid
      }
      let norm = 0
      for (let k = 0; k < dims; k++) {
        norm += (sums[c * dims + k] as number) ** 2
      }
      const scale = 1 / Math.max(Math.sqrt(norm), 1e-12)
      for (let k = 0; k < dims; k++) {
        centroids[c * dims + k] = (sums[c * dims + k] as number) * scale
      }
    }
  }
  return centroids
}

/**
 * The `probes` nearest centroids of rows [start, end) of `values`, nearest first, written to
 * `out[(row) * probes ...]` (the same slots whichever thread runs the range).
 */
export function nearestLists(
  values: Float32Array,
  dims: number,
  centroids: Float32Array,
  probes: number,
  start: number,
  end: number,
  out: Int32Array
): void {
  const lists = centroids.length / dims
  const centroidsT = centroidMatrix(centroids, lists, dims)
  const identity = Int32Array.from({ length: lists }, (_, i) => i)
  const block = Math.max(1, Math.floor(MAX_BLOCK_FLOATS / lists))
  const noSelf = new Int32Array(block).fill(-1)
  const local = Int32Array.from({ length: block }, (_, i) => i)
  const blockIds = new Int32Array(block * probes)
  const blockScores = new Float32Array(block * probes)
  try {
    for (let b = start; b < end; b += block) {
      const n = Math.min(block, end - b)
      const product = tf.tidy(() =>
        tf.matMul(tf.tensor2d(values.subarray(b * dims, (b + n) * dims), [n, dims]), centroidsT)
      )
      blockIds.fill(-1)
      selectTopRows(
        product.dataSync() as Float32Array,
        n,
        lists,
        identity,
        noSelf,
        local,
        probes,
        blockIds,
        blockScores
      )
      product.dispose()
      out.set(blockIds.subarray(0, n * probes), b * probes)
    }
  } finally {
    centroidsT.dispose()
  }
}
