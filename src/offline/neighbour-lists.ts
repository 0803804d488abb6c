/**
 * @module
 * Fixed-width top-N neighbour lists, the common output of every candidate source.
 */

import { sharedArray } from './threads'

/** Row i holds up to `topN` neighbours of item i, best first; `counts[i]` says how many. */
export type NeighbourLists = {
  topN: number
  indices: Int32Array
  scores: Float32Array
  counts: Int32Array
}

/**
 * A score as the co-occurrence stages rank it: rounded to 1e-9. Sums of the same terms in another
 * order differ in the last bits; rounding makes such ties exact, so they go to the smaller id in
 * this build and in the SQL engines alike (sql/ ranks by ROUND(score * 1e9) too).
 */
export const rankScore = (score: number): number => Math.round(score * 1e9) / 1e9

/** Empty lists for `itemCount` items; `shared` puts them on shared memory for worker threads. */
export function createNeighbourLists(
  itemCount: number,
  topN: number,
  options: { shared?: boolean } = {}
): NeighbourLists {
  const n = itemCount * topN
  const shared = options.shared === true
  return {
    topN,
    indices: (shared ? sharedArray(Int32Array, n) : new Int32Array(n)).fill(-1),
    scores: shared ? sharedArray(Float32Array, n) : new Float32Array(n),
    counts: shared ? sharedArray(Int32Array, itemCount) : new Int32Array(itemCount),
  }
}

/**
 * Keeps the best `capacity` (item, score) pairs seen: a min-heap on score, ties broken toward the
 * smaller item index so results are deterministic.
 */
export class TopK {
  private readonly items: Int32Array
  private readonly scores: Float64Array
  size = 0

  constructor(readonly capacity: number) {
    this.items = new Int32Array(capacity)
    this.scores = new Float64Array(capacity)
  }

  /** True when (aScore, aItem) ranks below (bScore, bItem). */
  private worse(aScore: number, aItem: number, bScore: number, bItem: number): boolean {
    return aScore < bScore || (aScore === bScore && aItem > bItem)
  }

  push(item: number, score: number): void {
    if (this.capacity === 0) {
      return
    }
    if (this.size < this.capacity) {
      let i = this.size++
      while (i > 0) {
        const parent = (i - 1) >> 1
        if (!this.worse(score, item, this.scores[parent] as number, this.items[parent] as number)) {
          break
        }
        this.items[i] = this.items[parent] as number
        this.scores[i] = this.scores[parent] as number
        i = parent
      }
      this.items[i] = item
      this.scores[i] = score
      return
    }
    if (!this.worse(this.scores[0] as number, this.items[0] as number, score, item)) {
      return
    }
    this.replaceRoot(item, score)
  }

  /** Put (item, score) at the root, in place of the worst pair, and sift it down. */
  private replaceRoot(item: number, score: number): void {
    let i = 0
    for (;;) {
      const l = 2 * i + 1
      if (l >= this.size) {
        break
      }
      const r = l + 1
      let c = l
      if (
        r < this.size &&
        this.worse(
          this.scores[r] as number,
          this.items[r] as number,
          this.scores[l] as number,
          this.items[l] as number
        )
      ) {
        c = r
      }
      if (!this.worse(this.scores[c] as number, this.items[c] as number, score, item)) {
        break
      }
      this.items[i] = this.items[c] as number
      this.scores[i] = this.scores[c] as number
      i = c
    }
    this.items[i] = item
    this.scores[i] = score
  }

  /** Write the kept pairs, best first, into row `row` of `lists`, then empty the heap. */
  drainInto(lists: NeighbourLists, row: number): void {
    const base = row * lists.topN
    lists.counts[row] = this.size
    // Pop the worst pair (the root) into the last free slot until the heap is empty: the same
    // order as sorting (pairs are totally ordered), without allocating for every row.
    while (this.size > 0) {
      const at = base + this.size - 1
      lists.indices[at] = this.items[0] as number
      lists.scores[at] = this.scores[0] as number
      this.size--
      if (this.size > 0) {
        this.replaceRoot(this.items[this.size] as number, this.scores[this.size] as number)
      }
    }
  }
}
