import { describe, expect, it } from 'vitest'
import {
  frequencyOrder,
  rankCorpus,
  rowsToTokenOrder,
  toRankOrder,
} from '../../src/offline/pin2vec/frequency-order'

describe('frequency order', () => {
  const counts = Float64Array.from([2, 5, 0, 5, 1])

  it('ranks tokens by descending count, ties by id', () => {
    const order = frequencyOrder(counts)
    expect([...order.tokenAt]).toEqual([1, 3, 0, 4, 2])
    expect([...order.rankOf]).toEqual([2, 0, 4, 1, 3])
  })

  it('renumbers the corpus and per-token values, and puts rows back in token order', () => {
    const order = frequencyOrder(counts)
    const ranked = rankCorpus(
      { tokens: Int32Array.from([0, 1, 3, 4, 1]), offsets: Int32Array.from([0, 2, 5]) },
      order
    )
    expect([...ranked.tokens]).toEqual([2, 0, 1, 3, 0])
    expect([...toRankOrder(counts, order)]).toEqual([5, 5, 2, 1, 0])
    // Row r of the ranked table holds [r, r]: it must land at the row of token tokenAt[r].
    const dims = 2
    const rows = Float32Array.from({ length: counts.length * dims }, (_, i) => Math.floor(i / dims))
    expect([...rowsToTokenOrder(rows, dims, order)]).toEqual([2, 2, 0, 0, 4, 4, 1, 1, 3, 3])
  })
})
