/**
 * @module
 * Cosine nearest neighbours over the embedding table: blocked matMul of L2-normalised rows plus
 * topk, so only one [block, vocab] score matrix exists at a time.
 */

import * as tf from '@tensorflow/tfjs'

/** Score-matrix budget per block (floats), so a block stays ~64 MB whatever the vocabulary. */
const MAX_BLOCK_FLOATS = 1 << 24

export type Neighbours = {
  /** [vocabSize * topN] neighbour indices, best first; -1 where a row has fewer than topN. */
  indices: Int32Array
  /** [vocabSize * topN] cosine similarities; 0 where the index is -1. */
  scores: Float32Array
}

/**
 * Top-`topN` cosine neighbours of every trained row among the other trained rows. Untrained rows
 * get no neighbours and are never returned as one; a row is never its own neighbour.
 */
export function nearestNeighbours(
  embeddings: tf.Tensor2D,
  trained: Uint8Array,
  topN: number,
  options?: { blockSize?: number }
): Neighbours {
  const [vocabSize, dims] = embeddings.shape
  if (trained.length !== vocabSize) {
    throw new RangeError(`trained has ${trained.length} entries for ${vocabSize} embedding rows`)
  }
  if (!Number.isInteger(topN) || topN < 1) {
    throw new RangeError(`topN must be a positive integer, got ${topN}`)
  }
  const indices = new Int32Array(vocabSize * topN).fill(-1)
  const scores = new Float32Array(vocabSize * topN)
  const trainedRows: number[] = []
  for (let t = 0; t < vocabSize; t++) {
    if (trained[t] === 1) {
      trainedRows.push(t)
    }
  }
  const count = trainedRows.length
  if (count < 2) {
    return { indices, scores }
  }
  const blockSize = Math.max(1, options?.blockSize ?? Math.min(1024, Math.floor(MAX_BLOCK_FLOATS / count)))
  // One extra candidate, because a row's best match is itself and is dropped below.
  const k = Math.min(topN + 1, count)

  // Only trained rows take part, compacted once: cheaper than masking untrained columns in every
  // block (a broadcast add on the cpu backend costs half a matMul).
  const candidates = tf.tidy(() => {
    const rows = tf.gather(embeddings, Int32Array.from(trainedRows))
    const norms = tf.norm(rows, 'euclidean', 1, true)
    return tf.div(rows, tf.maximum(norms, 1e-12)) as tf.Tensor2D
  })
  try {
    for (let start = 0; start < count; start += blockSize) {
      const rows = Math.min(blockSize, count - start)
      const top = tf.tidy(() => {
        const query = tf.slice(candidates, [start, 0], [rows, dims])
        return tf.topk(tf.matMul(query, candidates, false, true), k, true)
      })
      const topValues = top.values.dataSync()
      const topIndices = top.indices.dataSync()
      top.values.dispose()
      top.indices.dispose()
      for (let r = 0; r < rows; r++) {
        const self = start + r
        let out = (trainedRows[self] as number) * topN
        const end = out + topN
        for (let j = 0; j < k && out < end; j++) {
          const candidate = topIndices[r * k + j] as number
          if (candidate === self) {
            continue
          }
          indices[out] = trainedRows[candidate] as number
          scores[out] = topValues[r * k + j] as number
          out++
        }
      }
    }
  } finally {
    candidates.dispose()
  }
  return { indices, scores }
}
