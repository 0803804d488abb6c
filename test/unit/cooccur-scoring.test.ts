import { describe, expect, it } from 'vitest'
import { cooccur } from '../../src/offline/board-graph/cooccur'
import { cooccurParallel } from '../../src/offline/board-graph/cooccur-threads'
import { buildGroups } from '../../src/offline/board-graph/groups'
import { COOC_SCORINGS, type CoocScoring, pairScore } from '../../src/offline/board-graph/scoring'

// Boards: B0 = {0, 1, 2}, B1 = {0, 1}, B2 = {1, 3}. Unweighted degrees d = [2, 3, 1, 1];
// size weights w(3) = 1/log2 4 = 0.5 and w(2) = 1/log2 3.
const boardOf = Int32Array.from([0, 0, 0, 1, 1, 2, 2])
const pinOf = Int32Array.from([0, 1, 2, 0, 1, 1, 3])
const groups = buildGroups(boardOf, pinOf, 3, { maxGroupSize: 100, seed: 1 }).groups

const row = (scoring: CoocScoring, pin: number): [number, number][] => {
  const { lists } = cooccur(groups, 4, { topN: 3, scoring })
  return Array.from({ length: lists.counts[pin]! }, (_, r) => [
    lists.indices[pin * 3 + r]!,
    lists.scores[pin * 3 + r]!,
  ])
}

// Pin 0 shares B0 and B1 with pin 1 and B0 with pin 2. Values worked out by hand (see scoring.ts).
const EXPECTED_PIN0: Record<CoocScoring, [number, number][]> = {
  raw: [
    [1, 1],
    [2, 0.5],
  ], // counts 2 and 1, over the row's max 2
  weighted: [
    [1, 1],
    [2, 0.44211410869774026],
  ], // (w3 + w2) and w3, over (w3 + w2)
  cosine: [
    [1, 0.8164965809277261],
    [2, 0.7071067811865475],
  ], // 2/√(2·3), 1/√(2·1)
  'weighted-cosine': [
    [1, 0.8011838343962746],
    [2, 0.6649166178535022],
  ],
  jaccard: [
    [1, 2 / 3],
    [2, 0.5],
  ], // 2/(2+3-2), 1/(2+1-1)
  // Pin 1 is on every board, so sharing boards with it says nothing: NPMI 0.
  lift: [
    [2, 0.3519839071811759],
    [1, 0],
  ],
}

describe('co-occurrence scorings', () => {
  for (const scoring of COOC_SCORINGS) {
    it(`scores the fixture exactly with ${scoring}`, () => {
      const got = row(scoring, 0)
      const want = EXPECTED_PIN0[scoring]
      expect(got.map(([j]) => j)).toEqual(want.map(([j]) => j))
      for (const [r, [, s]] of got.entries()) {
        expect(s).toBeCloseTo(want[r]![1], 6)
      }
    })

    it(`keeps every ${scoring} score in [0, 1]`, () => {
      const { lists } = cooccur(groups, 4, { topN: 3, scoring })
      for (let i = 0; i < 4; i++) {
        for (let r = 0; r < lists.counts[i]!; r++) {
          const s = lists.scores[i * 3 + r]!
          expect(s).toBeGreaterThanOrEqual(0)
          expect(s).toBeLessThanOrEqual(1)
        }
      }
    })
  }

  it('ranks pin 3, on one board with pin 1, with each scoring', () => {
    expect(row('raw', 3)).toEqual([[1, 1]])
    expect(row('jaccard', 3)[0]![1]).toBeCloseTo(1 / 3, 6) // 1/(1+3-1)
    expect(row('lift', 3)[0]![1]).toBe(0)
  })

  it('clamps rounding above 1 and handles a pair on the only board', () => {
    expect(pairScore(2, 3, 3, 3, 10)).toBe(1)
    expect(pairScore(5, 1, 1, 1, 1)).toBe(1)
  })

  it('weights boards by n^-alpha when asked', () => {
    const { lists } = cooccur(groups, 4, { topN: 3, scoring: 'weighted', boardWeight: 1 })
    // c(0,1) = 1/3 + 1/2, c(0,2) = 1/3: the second neighbour scores (1/3) / (5/6) = 0.4.
    expect(lists.scores[1]).toBeCloseTo(0.4, 6)
  })

  it('gives the same lists on worker threads as on one thread', async () => {
    // A fixture past the real threshold would be slow for a unit test: lower the threshold instead.
    const boards = Int32Array.from({ length: 6000 }, (_, i) => Math.floor(i / 6))
    const pins = Int32Array.from({ length: 6000 }, (_, i) => (i * 7919) % 1500)
    const g = buildGroups(boards, pins, 1000, { maxGroupSize: 100, seed: 3 }).groups
    const one = cooccur(g, 1500, { topN: 10 })
    const many = await cooccurParallel(g, 1500, { topN: 10, threads: 2, minParallelUpdates: 0 })
    expect(many.threads).toBe(2)
    expect(many.pairUpdates).toBe(one.pairUpdates)
    expect([...many.lists.indices]).toEqual([...one.lists.indices])
    expect([...many.lists.scores]).toEqual([...one.lists.scores])
  }, 30_000)

  it('computes only the rows asked for, on one thread and on two, as the full lists have them', async () => {
    const boards = Int32Array.from({ length: 6000 }, (_, i) => Math.floor(i / 6))
    const pins = Int32Array.from({ length: 6000 }, (_, i) => (i * 7919) % 1500)
    const g = buildGroups(boards, pins, 1000, { maxGroupSize: 100, seed: 3 }).groups
    const full = cooccur(g, 1500, { topN: 10 }).lists
    const rows = Uint8Array.from({ length: 1500 }, (_, i) => (i % 4 === 1 ? 1 : 0))
    for (const threads of [1, 2]) {
      const some = await cooccurParallel(g, 1500, {
        topN: 10,
        threads,
        minParallelUpdates: 0,
        rows,
      })
      for (let i = 0; i < 1500; i++) {
        const row = (x: Int32Array) => [...x.subarray(i * 10, i * 10 + 10)]
        expect(row(some.lists.indices)).toEqual(
          rows[i] === 1 ? row(full.indices) : new Array(10).fill(-1)
        )
      }
    }
  }, 30_000)
})
