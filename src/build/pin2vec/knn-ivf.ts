/**
 * @module
 * Approximate cosine neighbours for large vocabularies: an inverted-file index. Spherical k-means
 * on a sample picks `lists` centroids; every row joins its nearest list; the rows of a list are
 * searched exactly against the members of the `probes` lists nearest its centroid. Queries of a
 * list share one candidate set, so the search stays a few large matMuls rather than 1M small ones.
 */

import * as tf from '@tensorflow/tfjs'
import { selectTopRows } from './knn-select'
import { exactSearch, MAX_BLOCK_FLOATS, normalisedRows } from './knn-exact'

export type IvfOptions = {
  /** Number of lists (default round(sqrt(rows))). */
  lists?: number
  /** Lists searched per query list, its own included (default 16). */
  probes?: number
  /** k-means iterations on the sample (default 8). */
  iterations?: number
  /** Sample rows per list for k-means (default 32). */
  samplePerList?: number
}

/** Index of the best column of each row of a [rows, cols] score block. */
function argMaxRows(values: Float32Array, rows: number, cols: number, out: Int32Array, offset: number): void {
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

/** Nearest centroid of every row of `rows`, in blocks so the score matrix stays bounded. */
function assign(rows: tf.Tensor2D, centroidsT: tf.Tensor2D): Int32Array {
  const [count, dims] = rows.shape
  const lists = centroidsT.shape[1]
  const out = new Int32Array(count)
  const block = Math.max(1, Math.floor(MAX_BLOCK_FLOATS / lists))
  for (let start = 0; start < count; start += block) {
    const n = Math.min(block, count - start)
    const product = tf.tidy(() => tf.matMul(tf.slice(rows, [start, 0], [n, dims]), centroidsT))
    argMaxRows(product.dataSync() as Float32Array, n, lists, out, start)
    product.dispose()
  }
  return out
}

/** Spherical k-means on an evenly strided sample; returns unit-norm centroids [lists, dims]. */
function trainCentroids(rows: tf.Tensor2D, lists: number, iterations: number, samplePerList: number): Float32Array {
  const [count, dims] = rows.shape
  const sampleSize = Math.min(count, lists * samplePerList)
  const stride = count / sampleSize
  const samplePos = Int32Array.from({ length: sampleSize }, (_, i) => Math.floor(i * stride))
  const sample = tf.gather(rows, samplePos) as tf.Tensor2D
  const data = sample.dataSync() as Float32Array
  const centroids = new Float32Array(lists * dims)
  // Start from evenly spaced sample rows: deterministic, and spread over the (shuffled-free) order.
  for (let c = 0; c < lists; c++) {
    const s = Math.floor((c * sampleSize) / lists)
    centroids.set(data.subarray(s * dims, (s + 1) * dims), c * dims)
  }
  try {
    for (let it = 0; it < iterations; it++) {
      const centroidsT = tf.tidy(() => tf.transpose(tf.tensor2d(centroids, [lists, dims]))) as tf.Tensor2D
      const owner = assign(sample, centroidsT)
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
  } finally {
    sample.dispose()
  }
  return centroids
}

/**
 * IVF search over unit rows `rows` ([count, dims], ids `ids`): fills `indices`/`scores` at row
 * `ids[i] * topN` like the exact search, with approximate results.
 */
export function ivfNeighbours(
  rows: tf.Tensor2D,
  ids: Int32Array,
  topN: number,
  indices: Int32Array,
  scores: Float32Array,
  options?: IvfOptions
): void {
  const [count, dims] = rows.shape
  const lists = Math.max(1, Math.min(count, options?.lists ?? Math.round(Math.sqrt(count))))
  const probes = Math.max(1, Math.min(lists, options?.probes ?? 16))
  const centroids = trainCentroids(rows, lists, options?.iterations ?? 8, options?.samplePerList ?? 32)
  const centroidsTensor = tf.tensor2d(centroids, [lists, dims])
  const centroidsT = tf.transpose(centroidsTensor) as tf.Tensor2D
  const owner = assign(rows, centroidsT)
  // The `probes` centroids nearest each centroid (itself first): a centroid-level probe list.
  const probeScores = tf.tidy(() => tf.matMul(centroidsTensor, centroidsT))
  const probeIds = new Int32Array(lists * probes)
  const noSelf = new Int32Array(lists).fill(-1)
  const identity = Int32Array.from({ length: lists }, (_, i) => i)
  selectTopRows(probeScores.dataSync() as Float32Array, lists, lists, identity, noSelf, identity, probes, probeIds, new Float32Array(lists * probes))
  tf.dispose([probeScores, centroidsTensor, centroidsT])

  // CSR of list members (positions in rows).
  const start = new Int32Array(lists + 1)
  for (let i = 0; i < count; i++) {
    start[(owner[i] as number) + 1]!++
  }
  for (let c = 0; c < lists; c++) {
    start[c + 1]! += start[c] as number
  }
  const members = new Int32Array(count)
  const fill = start.slice(0, lists)
  for (let i = 0; i < count; i++) {
    members[fill[owner[i] as number]!++] = i
  }
  const listMembers = (c: number): Int32Array => members.subarray(start[c] as number, start[c + 1] as number)

  for (let c = 0; c < lists; c++) {
    const queryPos = listMembers(c)
    if (queryPos.length === 0) {
      continue
    }
    const candidateParts: Int32Array[] = []
    for (let p = 0; p < probes; p++) {
      candidateParts.push(listMembers(probeIds[c * probes + p] as number))
    }
    const candidatePos = new Int32Array(candidateParts.reduce((n, part) => n + part.length, 0))
    let at = 0
    for (const part of candidateParts) {
      candidatePos.set(part, at)
      at += part.length
    }
    const candidateIds = candidatePos.map((p) => ids[p] as number)
    const queryIds = queryPos.map((p) => ids[p] as number)
    const candidatesT = tf.tidy(() => tf.transpose(tf.gather(rows, candidatePos))) as tf.Tensor2D
    const queries = tf.gather(rows, queryPos) as tf.Tensor2D
    try {
      exactSearch(candidatesT, candidateIds, queries, queryIds, queryIds, topN, indices, scores)
    } finally {
      tf.dispose([candidatesT, queries])
    }
  }
}

/**
 * Recall of approximate neighbour lists against exact search, on `sampleRows` token ids: the share
 * of each sampled row's exact top-`topN` that the approximate list also holds.
 */
export function recallAgainstExact(
  embeddings: tf.Tensor2D,
  trained: Uint8Array,
  approx: Int32Array,
  topN: number,
  sampleRows: Int32Array
): number {
  const { rows, ids } = normalisedRows(embeddings, trained)
  const rowsT = tf.transpose(rows) as tf.Tensor2D
  const queries = tf.tidy(() => tf.div(tf.gather(embeddings, sampleRows), tf.maximum(tf.norm(tf.gather(embeddings, sampleRows), 'euclidean', 1, true), 1e-12))) as tf.Tensor2D
  const exact = new Int32Array(sampleRows.length * topN).fill(-1)
  const outRows = Int32Array.from({ length: sampleRows.length }, (_, i) => i)
  try {
    exactSearch(rowsT, ids, queries, sampleRows, outRows, topN, exact, new Float32Array(exact.length))
  } finally {
    tf.dispose([rows, rowsT, queries])
  }
  let hit = 0
  let total = 0
  for (let i = 0; i < sampleRows.length; i++) {
    const got = new Set(approx.subarray((sampleRows[i] as number) * topN, ((sampleRows[i] as number) + 1) * topN))
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
