/**
 * @module
 * Train in frequency order: rows are renumbered by descending token count before training and
 * put back in pin order after it. word2vec sorts its vocabulary the same way. Pin ids arrive in
 * ingest order, so the rows that most pairs touch (frequent centers, and the negatives drawn by
 * count^0.75) lie scattered over two tables of pins × dims floats: at 1M pins and 64 dims that is
 * 512 MB, and nearly every row access missed the caches and the TLB. Packed at the front, the hot
 * rows share pages and stay cache-resident.
 */

import type { Corpus } from './tables'

export type FrequencyOrder = {
  /** rank → token: tokens by descending count, ties by ascending id (deterministic). */
  tokenAt: Int32Array
  /** token → rank. */
  rankOf: Int32Array
}

export function frequencyOrder(counts: Float64Array): FrequencyOrder {
  const tokenAt = Int32Array.from({ length: counts.length }, (_, i) => i)
  tokenAt.sort((a, b) => (counts[b] as number) - (counts[a] as number) || a - b)
  const rankOf = new Int32Array(counts.length)
  for (let r = 0; r < tokenAt.length; r++) {
    rankOf[tokenAt[r] as number] = r
  }
  return { tokenAt, rankOf }
}

/** The corpus with every token replaced by its rank (offsets are shared, not copied). */
export function rankCorpus(corpus: Corpus, order: FrequencyOrder): Corpus {
  const tokens = new Int32Array(corpus.tokens.length)
  for (let i = 0; i < tokens.length; i++) {
    tokens[i] = order.rankOf[corpus.tokens[i] as number] as number
  }
  return { tokens, offsets: corpus.offsets }
}

/** Per-token values (counts, masks) in rank order. */
export function toRankOrder<T extends Float64Array | Uint8Array>(
  values: T,
  order: FrequencyOrder
): T {
  const out = values.slice() as T
  for (let r = 0; r < order.tokenAt.length; r++) {
    out[r] = values[order.tokenAt[r] as number] as number
  }
  return out
}

/** A [tokens × dims] table in rank order, copied back into token (pin) order. */
export function rowsToTokenOrder(
  ranked: Float32Array,
  dims: number,
  order: FrequencyOrder
): Float32Array {
  const out = new Float32Array(ranked.length)
  for (let r = 0; r < order.tokenAt.length; r++) {
    const t = order.tokenAt[r] as number
    out.set(ranked.subarray(r * dims, (r + 1) * dims), t * dims)
  }
  return out
}
