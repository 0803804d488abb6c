import { describe, expect, it } from 'vitest'
import { cooccur, logSizeWeight } from '../../src/offline/board-graph/cooccur'
import { buildGroups } from '../../src/offline/board-graph/groups'

// Boards: B0 = {0, 1, 2}, B1 = {0, 1}, B2 = {1, 3} (plus a duplicate membership of 1 in B1).
const boardOf = Int32Array.from([0, 0, 0, 1, 1, 1, 2, 2])
const pinOf = Int32Array.from([0, 1, 2, 0, 1, 1, 1, 3])

describe('board co-occurrence', () => {
  it('scores pairs by size-weighted shared boards over the cosine norm', () => {
    const { groups, stats } = buildGroups(boardOf, pinOf, 3, { maxGroupSize: 100, seed: 1 })
    expect(stats.duplicateMemberships).toBe(1)
    const { lists } = cooccur(groups, 4, { topN: 3, scoring: 'weighted-cosine' })
    const w3 = 1 / Math.log2(4)
    const w2 = 1 / Math.log2(3)
    const d = [w3 + w2, w3 + w2 + w2, w3, w2]
    const expected01 = (w3 + w2) / Math.sqrt(d[0]! * d[1]!)
    const expected02 = w3 / Math.sqrt(d[0]! * d[2]!)
    // Pin 0: neighbours 1 and 2.
    expect(lists.counts[0]).toBe(2)
    expect(lists.indices[0]).toBe(1)
    expect(lists.scores[0]).toBeCloseTo(expected01, 6)
    expect(lists.indices[1]).toBe(2)
    expect(lists.scores[1]).toBeCloseTo(expected02, 6)
    // Pin 3 only shares B2 with pin 1.
    expect(lists.counts[3]).toBe(1)
    expect(lists.indices[9]).toBe(1)
    expect(lists.scores[9]).toBeCloseTo(w2 / Math.sqrt(d[3]! * d[1]!), 6)
    // Symmetric scores and all in [0, 1].
    for (const s of lists.scores) {
      expect(s).toBeGreaterThanOrEqual(0)
      expect(s).toBeLessThanOrEqual(1)
    }
    expect(logSizeWeight(3)).toBeCloseTo(0.5, 10)
  })

  it('caps a giant board so its pair updates stop growing with its size', () => {
    const updatesFor = (size: number): number => {
      const boards = new Int32Array(size)
      const pins = Int32Array.from({ length: size }, (_, i) => i)
      const { groups, stats } = buildGroups(boards, pins, 1, { maxGroupSize: 50, seed: 9 })
      expect(stats.cappedGroups).toBe(1)
      expect(stats.cappedMemberships).toBe(size - 50)
      return cooccur(groups, size, { topN: 10 }).pairUpdates
    }
    expect(updatesFor(1000)).toBe(50 * 49)
    expect(updatesFor(5000)).toBe(50 * 49)
  })

  it('samples capped boards deterministically with the seed', () => {
    const boards = new Int32Array(500)
    const pins = Int32Array.from({ length: 500 }, (_, i) => i)
    const a = buildGroups(boards, pins, 1, { maxGroupSize: 20, seed: 5 }).groups.items
    const b = buildGroups(boards, pins, 1, { maxGroupSize: 20, seed: 5 }).groups.items
    const c = buildGroups(boards, pins, 1, { maxGroupSize: 20, seed: 6 }).groups.items
    expect([...a]).toEqual([...b])
    expect([...a]).not.toEqual([...c])
  })
})
