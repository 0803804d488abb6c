/**
 * @module
 * Pin-pin co-occurrence over groups (boards), scored by one of the scorings of scoring.ts. The
 * counting loop works on a pin range of shared tables, so threads.ts can split it across cores.
 */

import { createNeighbourLists, type NeighbourLists, rankScore, TopK } from '../neighbour-lists'
import type { Groups } from './groups'
import { transposeGroups } from './groups'
import {
  type BoardWeight,
  boardWeightFn,
  type CoocScoring,
  DEFAULT_COOC_SCORING,
  isRowNormalised,
  isUnweighted,
  pairScore,
  scoringCode,
} from './scoring'

export { logSizeWeight } from './scoring'

export type CooccurOptions = {
  topN: number
  scoring?: CoocScoring
  /** Contribution of one shared group of size n, for the size-weighted scorings. Default 'log'. */
  boardWeight?: BoardWeight
}

/** Everything the counting loop reads and writes; plain typed arrays so threads can share them. */
export type CoocTables = {
  groups: Groups
  byItem: Groups
  /** Per-group contribution w (0 for groups of one pin). */
  weights: Float64Array
  /** Per-pin d(i) = Σ_{g ∋ i} w(g). */
  degree: Float64Array
  /** W = Σ_g w(g), the lift scoring's normaliser. */
  total: number
  code: number
  rowNormalised: boolean
  lists: NeighbourLists
  /** 1 for the pins whose rows are computed (the blend fit's query pins); absent = all. */
  rows?: Uint8Array
}

/** Group weights, pin degrees and the item → groups transpose for `scoring`. */
export function prepareTables(
  groups: Groups,
  itemCount: number,
  options: CooccurOptions,
  lists?: NeighbourLists
): CoocTables {
  const scoring = options.scoring ?? DEFAULT_COOC_SCORING
  const weightOf = isUnweighted(scoring) ? () => 1 : boardWeightFn(options.boardWeight ?? 'log')
  const groupCount = groups.offsets.length - 1
  const weights = new Float64Array(groupCount)
  let total = 0
  for (let g = 0; g < groupCount; g++) {
    const size = groups.offsets[g + 1]! - groups.offsets[g]!
    weights[g] = size > 1 ? weightOf(size) : 0
    total += weights[g]!
  }
  const byItem = transposeGroups(groups, itemCount)
  const degree = new Float64Array(itemCount)
  for (let i = 0; i < itemCount; i++) {
    for (let k = byItem.offsets[i]!; k < byItem.offsets[i + 1]!; k++) {
      degree[i]! += weights[byItem.items[k]!]!
    }
  }
  return {
    groups,
    byItem,
    weights,
    degree,
    total,
    code: scoringCode(scoring),
    rowNormalised: isRowNormalised(scoring),
    lists: lists ?? createNeighbourLists(itemCount, options.topN),
  }
}

/**
 * Count and score the neighbours of pins [start, end) into `t.lists`; returns the pair updates.
 * For pin i: c(i, j) = Σ_{g ∋ i, j} w(g) by a dense accumulator over the pins touched, then
 * pairScore ranks each j with TopK. Cost: Σ_{g ∋ i} |g| per pin, so Σ_g |g|² overall, bounded by
 * the board size cap.
 */
export function cooccurRange(t: CoocTables, start: number, end: number): number {
  const { groups, byItem, weights, degree, total, code, lists } = t
  const itemCount = degree.length
  const acc = new Float64Array(itemCount)
  const touched = new Int32Array(itemCount)
  const heap = new TopK(lists.topN)
  let pairUpdates = 0
  for (let i = start; i < end; i++) {
    if (t.rows && t.rows[i] !== 1) {
      continue
    }
    let touchedCount = 0
    for (let k = byItem.offsets[i]!; k < byItem.offsets[i + 1]!; k++) {
      const g = byItem.items[k]!
      const w = weights[g]!
      if (w === 0) {
        continue
      }
      const stop = groups.offsets[g + 1]!
      for (let m = groups.offsets[g]!; m < stop; m++) {
        const j = groups.items[m]!
        if (acc[j] === 0) {
          touched[touchedCount++] = j
        }
        acc[j]! += w
      }
      pairUpdates += stop - groups.offsets[g]! - 1
    }
    const di = degree[i]!
    // The query pin itself was accumulated too (cheaper than a branch per pair); skip it here.
    acc[i] = 0
    for (let n = 0; n < touchedCount; n++) {
      const j = touched[n]!
      const c = acc[j]!
      if (c !== 0) {
        heap.push(j, rankScore(pairScore(code, c, di, degree[j]!, total)))
        acc[j] = 0
      }
    }
    heap.drainInto(lists, i)
    if (t.rowNormalised) {
      normaliseRow(lists, i)
    }
  }
  return pairUpdates
}

/** Divide row i by its best score, so the top neighbour scores 1 (the raw and weighted scorings). */
function normaliseRow(lists: NeighbourLists, i: number): void {
  const base = i * lists.topN
  const top = lists.scores[base]!
  for (let r = 0; r < lists.counts[i]! && top > 0; r++) {
    lists.scores[base + r] = lists.scores[base + r]! / top
  }
}

/** Single-threaded co-occurrence of every pin (see cooccurParallel in threads.ts for more cores). */
export function cooccur(
  groups: Groups,
  itemCount: number,
  options: CooccurOptions
): { lists: NeighbourLists; pairUpdates: number } {
  const tables = prepareTables(groups, itemCount, options)
  const pairUpdates = cooccurRange(tables, 0, itemCount)
  return { lists: tables.lists, pairUpdates }
}
