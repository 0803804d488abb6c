import { describe, expect, it } from 'vitest'
import { coverage } from '../../src/offline/board-graph/coverage'
import { buildGroups, transposeGroups } from '../../src/offline/board-graph/groups'
import {
  createScratch,
  stepBudget,
  type WalkOptions,
  walkFrom,
} from '../../src/offline/board-graph/walk'
import { walkSource } from '../../src/offline/board-graph/walk-source'
import { createNeighbourLists } from '../../src/offline/neighbour-lists'

// A chain of boards: B_g = {g, g + 1} for g = 0..8, so pin 0's only direct neighbour is pin 1 and
// everything else is two or more boards away.
const chain = buildGroups(
  Int32Array.from({ length: 18 }, (_, i) => i >> 1),
  Int32Array.from({ length: 18 }, (_, i) => (i >> 1) + (i & 1)),
  9,
  { maxGroupSize: 100, seed: 1 }
).groups
const graph = { groups: chain, byItem: transposeGroups(chain, 10) }
const OPTIONS: WalkOptions = {
  topN: 5,
  steps: 2000,
  restart: 0.3,
  stopPins: 1000,
  stopVisits: 4,
  seed: 7,
}

const walkRow = (options: WalkOptions, q = 0) => {
  const lists = createNeighbourLists(10, options.topN)
  const result = walkFrom(graph, q, options, createScratch(10, options.topN), lists)
  const row = Array.from({ length: lists.counts[q]! }, (_, r) => [
    lists.indices[q * options.topN + r]!,
    lists.scores[q * options.topN + r]!,
  ])
  return { result, row }
}

describe('random walks', () => {
  it('reaches pins beyond the direct neighbours, nearer ones scoring higher', () => {
    const { row, result } = walkRow(OPTIONS)
    expect(result.steps).toBe(stepBudget(2000, 1))
    expect(row.map(([j]) => j).slice(0, 3)).toEqual([1, 2, 3])
    for (const [j, s] of row) {
      expect(j).not.toBe(0)
      expect(s).toBeGreaterThan(0)
      expect(s).toBeLessThanOrEqual(1)
    }
    // Every walk starts with pin 0 → B0 → {0, 1}: about half reach pin 1 on the first step.
    expect(row[0]![1]).toBeGreaterThan(0.5)
  })

  it('is deterministic with a seed and changes with it', () => {
    expect(walkRow(OPTIONS).row).toEqual(walkRow(OPTIONS).row)
    expect(walkRow({ ...OPTIONS, seed: 8 }).row).not.toEqual(walkRow(OPTIONS).row)
  })

  it('stops early once enough pins were reached often enough', () => {
    const early = walkRow({ ...OPTIONS, stopPins: 2, stopVisits: 3 }).result
    expect(early.stoppedEarly).toBe(true)
    expect(early.steps).toBeLessThan(stepBudget(2000, 1))
    expect(walkRow(OPTIONS).result.stoppedEarly).toBe(false)
  })

  it('gives pins on more boards more steps, sublinearly and capped', () => {
    expect(stepBudget(1000, 1)).toBe(1000)
    expect(stepBudget(1000, 10)).toBe(Math.round(1000 * (1 + Math.log(10))))
    expect(stepBudget(1000, 1e6)).toBe(4000)
  })

  it('walks only pins with short co-occurrence lists, the same on threads as on one', async () => {
    const short = Int32Array.from({ length: 10 }, (_, i) => (i < 5 ? 0 : 9))
    const one = await walkSource(chain, 10, short, { ...OPTIONS, minCooc: 5, threads: 1 })
    expect(one.stats.queries).toBe(5)
    expect(one.lists.counts[7]).toBe(0)
    expect(one.lists.counts[2]).toBeGreaterThan(0)
    const two = await walkSource(chain, 10, short, {
      ...OPTIONS,
      minCooc: 5,
      threads: 2,
      minParallelSteps: 0,
    })
    expect(two.stats.threads).toBe(2)
    expect([...two.lists.indices]).toEqual([...one.lists.indices])
    expect([...two.lists.scores]).toEqual([...one.lists.scores])
  }, 30_000)

  it('walks only the rows asked for', async () => {
    const short = new Int32Array(10)
    const rows = Uint8Array.from({ length: 10 }, (_, i) => (i === 2 || i === 6 ? 1 : 0))
    const all = await walkSource(chain, 10, short, { ...OPTIONS, minCooc: 5, threads: 1 })
    const some = await walkSource(chain, 10, short, { ...OPTIONS, minCooc: 5, threads: 1 }, rows)
    expect(some.stats.queries).toBe(2)
    for (let i = 0; i < 10; i++) {
      expect(some.lists.counts[i]).toBe(rows[i] === 1 ? all.lists.counts[i] : 0)
    }
    expect([...some.lists.indices.subarray(10, 15)]).toEqual([
      ...all.lists.indices.subarray(10, 15),
    ])
  })

  it('measures coverage with and without walks', () => {
    const cooc = createNeighbourLists(3, 2)
    cooc.counts.set([2, 1, 0])
    cooc.indices.set([1, 2, 0, -1, -1, -1])
    const walk = createNeighbourLists(3, 2)
    walk.counts.set([0, 2, 1])
    walk.indices.set([-1, -1, 0, 2, 1, -1])
    // Pin 1: cooc {0} ∪ walk {0, 2} = 2 distinct; pin 2: walk {1}.
    expect(coverage(Uint8Array.from([1, 1, 1]), cooc, walk, [1, 2])).toEqual([
      { k: 1, pins: 3, cooc: 2 / 3, withWalk: 1 },
      { k: 2, pins: 3, cooc: 1 / 3, withWalk: 2 / 3 },
    ])
  })
})
