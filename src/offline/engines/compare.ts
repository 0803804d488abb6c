/**
 * @module
 * How two engines' top lists compare: per pin, whether the top-k candidate id sets are equal.
 * The identity criterion of docs/scaling.md (≥ 99.9% of pins with a list in either engine).
 */

import type { NeighbourLists } from '../neighbour-lists'

export type ListComparison = {
  k: number
  /** Pins with at least one candidate in either list set. */
  pins: number
  identical: number
  share: number
  /** A few differing pins (indices), for the report. */
  examples: number[]
}

export function compareTopSets(a: NeighbourLists, b: NeighbourLists, k = 20): ListComparison {
  const rows = a.counts.length
  let pins = 0
  let identical = 0
  const examples: number[] = []
  for (let i = 0; i < rows; i++) {
    const na = Math.min(k, a.counts[i]!)
    const nb = Math.min(k, b.counts[i]!)
    if (na === 0 && nb === 0) {
      continue
    }
    pins++
    let same = na === nb
    if (same) {
      const set = new Set<number>()
      for (let r = 0; r < na; r++) {
        set.add(a.indices[i * a.topN + r]!)
      }
      for (let r = 0; r < nb && same; r++) {
        same = set.has(b.indices[i * b.topN + r]!)
      }
    }
    if (same) {
      identical++
    } else if (examples.length < 10) {
      examples.push(i)
    }
  }
  return { k, pins, identical, share: pins === 0 ? 1 : identical / pins, examples }
}
