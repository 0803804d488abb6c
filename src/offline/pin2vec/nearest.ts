/**
 * @module
 * Cosine nearest neighbours over the embedding table: exact blocked matMul of L2-normalised rows
 * (tfjs, on the wasm backend when it loads) with top-k selection on plain arrays, or an IVF index
 * (knn-ivf.ts) when the vocabulary is too large for an exact all-pairs pass in a build.
 */

import type * as tf from '@tensorflow/tfjs'
import { withFastBackend } from './backend'
import { exactSearch, normalisedRows } from './knn-exact'
import { type IvfOptions, ivfNeighbours } from './knn-ivf'

/**
 * Above this many trained rows 'auto' switches to IVF: exact is O(n^2 d), measured ~5 GFLOP/s on
 * one core with the wasm backend: 62 s at 50k rows, so ~4 min at 100k and ~7 h at 1M; IVF took
 * 8.8 s at 50k (see docs/benchmarks.md).
 */
export const EXACT_MAX_ROWS = 50_000

export type Neighbours = {
  /** [vocabSize * topN] neighbour indices, best first; -1 where a row has fewer than topN. */
  indices: Int32Array
  /** [vocabSize * topN] cosine similarities; 0 where the index is -1. */
  scores: Float32Array
}

export type NeighbourOptions = {
  /** Query rows per matMul block (default: fit MAX_BLOCK_FLOATS, at most 1024). */
  blockSize?: number
  /** 'auto' (default) is exact up to EXACT_MAX_ROWS trained rows, IVF above. */
  method?: 'auto' | 'exact' | 'ivf'
  ivf?: IvfOptions
}

/**
 * Top-`topN` cosine neighbours of every trained row among the other trained rows. Untrained rows
 * get no neighbours and are never returned as one; a row is never its own neighbour.
 */
export function nearestNeighbours(
  embeddings: tf.Tensor2D,
  trained: Uint8Array,
  topN: number,
  options?: NeighbourOptions
): Neighbours {
  const [vocabSize] = embeddings.shape
  if (trained.length !== vocabSize) {
    throw new RangeError(`trained has ${trained.length} entries for ${vocabSize} embedding rows`)
  }
  if (!Number.isInteger(topN) || topN < 1) {
    throw new RangeError(`topN must be a positive integer, got ${topN}`)
  }
  const indices = new Int32Array(vocabSize * topN).fill(-1)
  const scores = new Float32Array(vocabSize * topN)
  const count = trained.reduce((n, x) => n + x, 0)
  if (count < 2) {
    return { indices, scores }
  }
  const method = options?.method ?? 'auto'
  const useIvf = method === 'ivf' || (method === 'auto' && count > EXACT_MAX_ROWS)
  const rows = normalisedRows(embeddings, trained)
  withFastBackend(() => {
    if (useIvf) {
      ivfNeighbours(rows, topN, indices, scores, options?.ivf)
    } else {
      exactSearch(rows, rows.values, rows.ids, rows.ids, topN, indices, scores, options?.blockSize)
    }
  })
  return { indices, scores }
}
