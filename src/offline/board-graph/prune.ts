/**
 * @module
 * Graph pruning before pair counting: boards whose pins have nothing else in common (spam,
 * catch-alls) are dropped, and very popular pins keep only their most specific boards (Pixie's
 * degree^δ cap). Every decision is counted in PruneStats, which the build report carries.
 */

import { indexSampleKeys, type SampleKeys } from '../sample/keys'
import { type Groups, transposeGroups } from './groups'

export type PruneOptions = {
  /** Boards with at least this many pins are tested for diversity; smaller ones are evidence. 0 disables. */
  diverseMinSize: number
  /**
   * A tested board is dropped when its coherence c is at most β + margin · (1 - β), β being the
   * random-pair baseline: it is not clearly more coherent than random pins. The margin is on the
   * room left above β, so the rule holds on sparse graphs (β ≈ 0.04) and dense ones (β ≈ 0.7).
   */
  diverseMargin: number
  /** Pixie cap: a pin on d boards keeps ceil(d^δ) of them, the smallest first. 1 disables. */
  pinDegreeExponent: number
  seed: number
  /** Sampling keys over the build's ids (sample/keys.ts); default: ids are the decimal indices. */
  keys?: SampleKeys
}

export type PruneStats = {
  diverseBoardsTested: number
  /** Tested boards with too few pins that have other (small) boards to judge by: kept. */
  diverseBoardsUntestable: number
  diverseBoardsDropped: number
  diverseMembershipsDropped: number
  /** Share of random pin pairs that share a small board: the coherence a random board would have. */
  diverseBaseline: number
  pinsDegreeCapped: number
  pinDegreeMembershipsDropped: number
}

/**
 * A tested board is judged on every pair of its SAMPLE_MEMBERS members with the smallest 'div' keys
 * (66 pairs), the baseline on BASELINE_PAIRS pairs of consecutive memberships in 'base' key order:
 * enough to separate 3× from 1× the baseline. sql/board-cooc.sql draws the same samples.
 */
export const SAMPLE_MEMBERS = 12
const MIN_TESTABLE_PAIRS = 16
export const BASELINE_PAIRS = 4096

export const emptyPruneStats = (): PruneStats => ({
  diverseBoardsTested: 0,
  diverseBoardsUntestable: 0,
  diverseBoardsDropped: 0,
  diverseMembershipsDropped: 0,
  diverseBaseline: 0,
  pinsDegreeCapped: 0,
  pinDegreeMembershipsDropped: 0,
})

const sizeOf = (groups: Groups, g: number): number => groups.offsets[g + 1]! - groups.offsets[g]!

/** Rebuild `groups` keeping only the memberships for which keep(group, position) is true. */
function filterGroups(groups: Groups, keep: (g: number, k: number) => boolean): Groups {
  const groupCount = groups.offsets.length - 1
  const offsets = new Int32Array(groupCount + 1)
  const items = new Int32Array(groups.items.length)
  let out = 0
  for (let g = 0; g < groupCount; g++) {
    for (let k = groups.offsets[g]!; k < groups.offsets[g + 1]!; k++) {
      if (keep(g, k)) {
        items[out++] = groups.items[k]!
      }
    }
    offsets[g + 1] = out
  }
  return { offsets, items: items.slice(0, out) }
}

/**
 * The diversity test. Evidence boards are those with 2 ≤ size < diverseMinSize. A pin pair is
 * testable when both pins are on some evidence board, and a hit when they share one. A board's
 * coherence is hits / testable over the pairs of its sampled members; the baseline is the same
 * share over pin pairs drawn by membership (both samples by hashed ids: boardPairs, baselinePairs). Topical boards sit far above the baseline;
 * a board of random pins (spam) or of everything (catch-all) sits near it.
 */
function diverseBoards(
  groups: Groups,
  byItem: Groups,
  options: PruneOptions,
  keys: SampleKeys,
  stats: PruneStats
): Uint8Array {
  const groupCount = groups.offsets.length - 1
  const drop = new Uint8Array(groupCount)
  const minSize = options.diverseMinSize
  const isEvidence = (g: number): boolean => {
    const s = sizeOf(groups, g)
    return s >= 2 && s < minSize
  }
  const hasEvidence = new Uint8Array(byItem.offsets.length - 1)
  for (let p = 0; p < hasEvidence.length; p++) {
    for (let k = byItem.offsets[p]!; k < byItem.offsets[p + 1]! && !hasEvidence[p]; k++) {
      hasEvidence[p] = isEvidence(byItem.items[k]!) ? 1 : 0
    }
  }
  // Sorted board lists (transposeGroups fills them in board order): walk the shorter one and
  // binary-search the longer, so a pin on 100k boards costs log time, not a merge.
  const shareEvidence = (p: number, q: number): boolean => {
    let [a, b] = [p, q]
    if (byItem.offsets[a + 1]! - byItem.offsets[a]! > byItem.offsets[b + 1]! - byItem.offsets[b]!) {
      ;[a, b] = [b, a]
    }
    for (let k = byItem.offsets[a]!; k < byItem.offsets[a + 1]!; k++) {
      const g = byItem.items[k]!
      if (!isEvidence(g)) {
        continue
      }
      let lo = byItem.offsets[b]!
      let hi = byItem.offsets[b + 1]!
      while (lo < hi) {
        const mid = (lo + hi) >>> 1
        if (byItem.items[mid]! < g) {
          lo = mid + 1
        } else {
          hi = mid
        }
      }
      if (lo < byItem.offsets[b + 1]! && byItem.items[lo] === g) {
        return true
      }
    }
    return false
  }
  const coherence = (pairs: Int32Array): number => {
    let testable = 0
    let hits = 0
    for (let n = 0; n + 1 < pairs.length; n += 2) {
      const p = pairs[n]!
      const q = pairs[n + 1]!
      if (p === q || !hasEvidence[p] || !hasEvidence[q]) {
        continue
      }
      testable++
      hits += shareEvidence(p, q) ? 1 : 0
    }
    return testable < MIN_TESTABLE_PAIRS ? Number.NaN : hits / testable
  }
  const baseline = coherence(baselinePairs(groups, keys))
  stats.diverseBaseline = Number.isNaN(baseline) ? 0 : baseline
  if (Number.isNaN(baseline)) {
    return drop
  }
  for (let g = 0; g < groupCount; g++) {
    const size = sizeOf(groups, g)
    if (size < minSize) {
      continue
    }
    stats.diverseBoardsTested++
    const c = coherence(boardPairs(groups, g, keys))
    if (Number.isNaN(c)) {
      stats.diverseBoardsUntestable++
    } else if (c <= baseline + options.diverseMargin * (1 - baseline)) {
      drop[g] = 1
      stats.diverseBoardsDropped++
      stats.diverseMembershipsDropped += size
    }
  }
  return drop
}

/** Every pair of the SAMPLE_MEMBERS members of g with the smallest 'div' keys, as (p, q) pairs. */
function boardPairs(groups: Groups, g: number, keys: SampleKeys): Int32Array {
  const members = Array.from(groups.items.subarray(groups.offsets[g]!, groups.offsets[g + 1]!))
  const key = new Map(members.map((p) => [p, keys.key(g, p, 'div')]))
  members.sort((a, b) => key.get(a)! - key.get(b)! || a - b)
  const sample = members.slice(0, SAMPLE_MEMBERS).sort((a, b) => a - b)
  const pairs: number[] = []
  for (let a = 0; a < sample.length; a++) {
    for (let b = a + 1; b < sample.length; b++) {
      pairs.push(sample[a]!, sample[b]!)
    }
  }
  return Int32Array.from(pairs)
}

/**
 * The baseline's random pin pairs drawn by membership: the 2·BASELINE_PAIRS memberships with the
 * smallest 'base' keys (ties by board, then pin), paired in that order. A histogram of the keys'
 * top 16 bits finds the cut, so only the few memberships under it are sorted.
 */
function baselinePairs(groups: Groups, keys: SampleKeys): Int32Array {
  const total = groups.items.length
  const want = Math.min(total, 2 * BASELINE_PAIRS)
  const key = new Float64Array(total)
  const board = new Int32Array(total)
  const histogram = new Int32Array(65536)
  for (let g = 0; g + 1 < groups.offsets.length; g++) {
    for (let k = groups.offsets[g]!; k < groups.offsets[g + 1]!; k++) {
      key[k] = keys.key(g, groups.items[k]!, 'base')
      board[k] = g
      histogram[Math.floor(key[k]! / 65536)]!++
    }
  }
  let bucket = 0
  for (let seen = 0; bucket < 65536 && seen + histogram[bucket]! < want; bucket++) {
    seen += histogram[bucket]!
  }
  const limit = (bucket + 1) * 65536
  const picked: number[] = []
  for (let k = 0; k < total; k++) {
    if (key[k]! < limit) {
      picked.push(k)
    }
  }
  picked.sort(
    (a, b) => key[a]! - key[b]! || board[a]! - board[b]! || groups.items[a]! - groups.items[b]!
  )
  return Int32Array.from(picked.slice(0, want - (want % 2)), (k) => groups.items[k]!)
}

/**
 * Pixie's degree cap: pin p on d boards keeps ceil(d^δ) boards, the smallest (most specific) ones,
 * ties toward the lower board index. Returns, per membership of `groups`, whether it is kept.
 */
function pinDegreeCap(
  groups: Groups,
  byItem: Groups,
  exponent: number,
  stats: PruneStats
): Uint8Array {
  const keep = new Uint8Array(groups.items.length).fill(1)
  // The last kept board of each capped pin in (size, index) order; -1 for pins under the cap.
  const cutSize = new Int32Array(byItem.offsets.length - 1).fill(-1)
  const cutBoard = new Int32Array(byItem.offsets.length - 1)
  for (let p = 0; p < cutSize.length; p++) {
    const start = byItem.offsets[p]!
    const d = byItem.offsets[p + 1]! - start
    const allowed = Math.ceil(d ** exponent)
    if (d <= allowed) {
      continue
    }
    const boards = Array.from(byItem.items.subarray(start, start + d))
    boards.sort((a, b) => sizeOf(groups, a) - sizeOf(groups, b) || a - b)
    const last = boards[allowed - 1]!
    cutSize[p] = sizeOf(groups, last)
    cutBoard[p] = last
    stats.pinsDegreeCapped++
    stats.pinDegreeMembershipsDropped += d - allowed
  }
  for (let g = 0; g + 1 < groups.offsets.length; g++) {
    const size = sizeOf(groups, g)
    for (let k = groups.offsets[g]!; k < groups.offsets[g + 1]!; k++) {
      const p = groups.items[k]!
      const cs = cutSize[p]!
      if (cs >= 0 && (size > cs || (size === cs && g > cutBoard[p]!))) {
        keep[k] = 0
      }
    }
  }
  return keep
}

/** Apply the diversity test, then the pin degree cap; returns the pruned groups and the counters. */
export function pruneGroups(
  groups: Groups,
  itemCount: number,
  options: PruneOptions
): { groups: Groups; stats: PruneStats } {
  const stats = emptyPruneStats()
  const keys = options.keys ?? indexSampleKeys(options.seed)
  let current = groups
  if (options.diverseMinSize > 0) {
    const drop = diverseBoards(current, transposeGroups(current, itemCount), options, keys, stats)
    if (stats.diverseBoardsDropped > 0) {
      current = filterGroups(current, (g) => drop[g] === 0)
    }
  }
  if (options.pinDegreeExponent < 1) {
    const keep = pinDegreeCap(
      current,
      transposeGroups(current, itemCount),
      options.pinDegreeExponent,
      stats
    )
    if (stats.pinsDegreeCapped > 0) {
      current = filterGroups(current, (_, k) => keep[k] === 1)
    }
  }
  return { groups: current, stats }
}
