/**
 * @module
 * Coverage of the board-graph sources: the share of pins with at least k distinct candidates,
 * from co-occurrence alone and from co-occurrence and walks together.
 */

import type { NeighbourLists } from '../neighbour-lists'

export type Coverage = { k: number; pins: number; cooc: number; withWalk: number }

/** Distinct candidates of pin i over the given lists (a pin in both lists counts once). */
function distinctCandidates(i: number, lists: NeighbourLists[], seen: Set<number>): number {
  seen.clear()
  for (const l of lists) {
    const base = i * l.topN
    for (let r = 0; r < l.counts[i]!; r++) {
      seen.add(l.indices[base + r]!)
    }
  }
  return seen.size
}

/** Coverage at each k over the pins flagged in `onBoards` (the pins of the board input). */
export function coverage(
  onBoards: Uint8Array,
  cooc: NeighbourLists,
  walk: NeighbourLists | null,
  ks: number[]
): Coverage[] {
  const seen = new Set<number>()
  const out = ks.map((k) => ({ k, pins: 0, cooc: 0, withWalk: 0 }))
  for (let i = 0; i < onBoards.length; i++) {
    if (!onBoards[i]) {
      continue
    }
    const direct = cooc.counts[i]!
    // Only walked pins can gain; the union costs a Set, so skip it for the others.
    const both = walk && walk.counts[i]! > 0 ? distinctCandidates(i, [cooc, walk], seen) : direct
    for (const c of out) {
      c.pins++
      c.cooc += direct >= c.k ? 1 : 0
      c.withWalk += both >= c.k ? 1 : 0
    }
  }
  return out.map((c) => ({
    k: c.k,
    pins: c.pins,
    cooc: c.pins ? c.cooc / c.pins : 0,
    withWalk: c.pins ? c.withWalk / c.pins : 0,
  }))
}
