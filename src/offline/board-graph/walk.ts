/**
 * @module
 * Pixie-style random walks with restarts on the pin–board graph: a second board-graph candidate
 * source that reaches pins two or more boards away, for pins whose direct co-occurrence list is
 * short (Eksombatchai et al., "Pixie", WWW 2018).
 */

import { createRandom } from '../../core/random'
import { type NeighbourLists, TopK } from '../neighbour-lists'
import type { Groups } from './groups'

export type WalkOptions = {
  topN: number
  /** Base step budget; a pin on d boards gets steps · min(4, 1 + ln d). */
  steps: number
  /** Chance of returning to the query pin after each pin → board → pin step. */
  restart: number
  /** Early stop once `stopPins` pins have each been reached in `stopVisits` walks. */
  stopPins: number
  stopVisits: number
  seed: number
}

/** Board → pins (`groups`) and pin → boards (`byItem`), the two halves of the bipartite graph. */
export type WalkGraph = { groups: Groups; byItem: Groups }

/** Reusable per-thread buffers: per-pin hit counts and the last walk that reached each pin. */
export type WalkScratch = {
  hits: Int32Array
  lastWalk: Int32Array
  touched: Int32Array
  heap: TopK
}

export const createScratch = (pinCount: number, topN: number): WalkScratch => ({
  hits: new Int32Array(pinCount),
  lastWalk: new Int32Array(pinCount).fill(-1),
  touched: new Int32Array(pinCount),
  heap: new TopK(topN),
})

export type WalkResult = { steps: number; walks: number; stoppedEarly: boolean }

/** Steps for a query pin on `degree` boards: more edges get more steps, sublinearly (Pixie §3.2). */
export const stepBudget = (steps: number, degree: number): number =>
  Math.round(steps * Math.min(4, 1 + Math.log(degree)))

/** Per-pin seed, so a pin's walk does not depend on which thread or in which order it runs. */
const pinSeed = (seed: number, pin: number): number => (Math.imul(pin + 1, 0x9e3779b1) ^ seed) >>> 0

/**
 * Walk from `q` and write its neighbours into row q of `lists`. A walk is a run of steps from q
 * (current pin → uniform board → uniform pin) that ends with probability `restart` after each step.
 * Score of j = share of walks that reached j, in [0, 1] and comparable across pins.
 */
export function walkFrom(
  graph: WalkGraph,
  q: number,
  options: WalkOptions,
  scratch: WalkScratch,
  lists: NeighbourLists
): WalkResult {
  const { groups, byItem } = graph
  const { hits, lastWalk, touched, heap } = scratch
  const degree = byItem.offsets[q + 1]! - byItem.offsets[q]!
  if (degree === 0) {
    lists.counts[q] = 0
    return { steps: 0, walks: 0, stoppedEarly: false }
  }
  const random = createRandom(pinSeed(options.seed, q))
  const budget = stepBudget(options.steps, degree)
  let touchedCount = 0
  let reached = 0
  let walks = 1
  let steps = 0
  let current = q
  // lastWalk holds the number of the last walk that reached each pin, so a pin counts once per
  // walk; walk numbers restart for every query, which is safe because the row is reset below.
  while (steps < budget && reached < options.stopPins) {
    const bStart = byItem.offsets[current]!
    const g = byItem.items[bStart + random.int(byItem.offsets[current + 1]! - bStart)]!
    const pStart = groups.offsets[g]!
    const next = groups.items[pStart + random.int(groups.offsets[g + 1]! - pStart)]!
    steps++
    if (next !== q && lastWalk[next] !== walks) {
      if (hits[next] === 0) {
        touched[touchedCount++] = next
      }
      lastWalk[next] = walks
      if (++hits[next]! === options.stopVisits) {
        reached++
      }
    }
    current = next
    if (random.next() < options.restart) {
      walks++
      current = q
    }
  }
  for (let t = 0; t < touchedCount; t++) {
    const j = touched[t]!
    heap.push(j, hits[j]! / walks)
    hits[j] = 0
    lastWalk[j] = -1
  }
  heap.drainInto(lists, q)
  return { steps, walks, stoppedEarly: reached >= options.stopPins }
}

export type WalkStats = { queries: number; steps: number; walks: number; stoppedEarly: number }

/** Walk from each pin of `queries[start, end)`, accumulating stats. */
export function walkRange(
  graph: WalkGraph,
  queries: Int32Array,
  start: number,
  end: number,
  options: WalkOptions,
  lists: NeighbourLists
): WalkStats {
  const scratch = createScratch(graph.byItem.offsets.length - 1, options.topN)
  const stats: WalkStats = { queries: 0, steps: 0, walks: 0, stoppedEarly: 0 }
  for (let n = start; n < end; n++) {
    const r = walkFrom(graph, queries[n]!, options, scratch, lists)
    stats.queries++
    stats.steps += r.steps
    stats.walks += r.walks
    stats.stoppedEarly += r.stoppedEarly ? 1 : 0
  }
  return stats
}
