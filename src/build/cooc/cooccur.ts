/**
 * @module
 * Item-item co-occurrence over groups (boards), with board-size weighting and a cosine
 * normalisation that makes scores comparable across pins (see docs/architecture.md#scores).
 */

import { createNeighbourLists, TopK, type NeighbourLists } from '../neighbours'
import type { Groups } from './groups'
import { transposeGroups } from './groups'

export type CooccurOptions = {
  topN: number
  /** Contribution of one shared group of size n. Default 1 / log2(1 + n). */
  groupWeight?: (size: number) => number
}

export const logSizeWeight = (n: number): number => 1 / Math.log2(1 + n)

/**
 * For every item i and every j sharing a group with it:
 *   c(i, j) = Σ_{g ∋ i, j} w(|g|),   d(i) = Σ_{g ∋ i} w(|g|)
 *   score(i, j) = c(i, j) / sqrt(d(i) · d(j))      (in [0, 1]; 1 when i and j share all groups)
 * Huge groups count less through w, and popular items are damped by d(j).
 * Cost: Σ_g |g|², bounded by the group size cap applied in buildGroups.
 */
export function cooccur(groups: Groups, itemCount: number, options: CooccurOptions): { lists: NeighbourLists; pairUpdates: number } {
  const weightOf = options.groupWeight ?? logSizeWeight
  const groupCount = groups.offsets.length - 1
  const weights = new Float64Array(groupCount)
  for (let g = 0; g < groupCount; g++) {
    const size = groups.offsets[g + 1]! - groups.offsets[g]!
    weights[g] = size > 1 ? weightOf(size) : 0
  }
  const byItem = transposeGroups(groups, itemCount)
  const degree = new Float64Array(itemCount)
  for (let i = 0; i < itemCount; i++) {
    for (let k = byItem.offsets[i]!; k < byItem.offsets[i + 1]!; k++) {
      degree[i]! += weights[byItem.items[k]!]!
    }
  }
  const lists = createNeighbourLists(itemCount, options.topN)
  const acc = new Float64Array(itemCount)
  const touched = new Int32Array(itemCount)
  const heap = new TopK(options.topN)
  let pairUpdates = 0
  for (let i = 0; i < itemCount; i++) {
    let touchedCount = 0
    for (let k = byItem.offsets[i]!; k < byItem.offsets[i + 1]!; k++) {
      const g = byItem.items[k]!
      const w = weights[g]!
      if (w === 0) {
        continue
      }
      const end = groups.offsets[g + 1]!
      for (let m = groups.offsets[g]!; m < end; m++) {
        const j = groups.items[m]!
        if (j === i) {
          continue
        }
        if (acc[j] === 0) {
          touched[touchedCount++] = j
        }
        acc[j]! += w
      }
      pairUpdates += end - groups.offsets[g]! - 1
    }
    const di = degree[i]!
    for (let t = 0; t < touchedCount; t++) {
      const j = touched[t]!
      heap.push(j, acc[j]! / Math.sqrt(di * degree[j]!))
      acc[j] = 0
    }
    heap.drainInto(lists, i)
  }
  return { lists, pairUpdates }
}
