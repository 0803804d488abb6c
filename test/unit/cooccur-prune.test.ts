import { describe, expect, it } from 'vitest'
import { createRandom } from '../../src/core/random'
import { buildGroups } from '../../src/offline/board-graph/groups'
import { pruneGroups } from '../../src/offline/board-graph/prune'

const membersOf = (groups: { offsets: Int32Array; items: Int32Array }, g: number): number[] =>
  Array.from(groups.items.subarray(groups.offsets[g]!, groups.offsets[g + 1]!))

/**
 * 10 topics of 20 pins (0..199), each with 10 small boards of 6 pins drawn from the topic. Two big
 * boards: a topical one holding topic 0's 20 pins, and a spam one holding 60 pins from every topic.
 */
function fixture(): {
  board: Int32Array
  pin: Int32Array
  boards: number
  spam: number
  topical: number
} {
  const random = createRandom(11)
  const board: number[] = []
  const pin: number[] = []
  let b = 0
  for (let t = 0; t < 10; t++) {
    for (let s = 0; s < 10; s++, b++) {
      for (let k = 0; k < 6; k++) {
        board.push(b)
        pin.push(t * 20 + random.int(20))
      }
    }
  }
  const topical = b++
  for (let k = 0; k < 20; k++) {
    board.push(topical)
    pin.push(k)
  }
  const spam = b++
  for (let k = 0; k < 60; k++) {
    board.push(spam)
    pin.push(k * 3)
  }
  return { board: Int32Array.from(board), pin: Int32Array.from(pin), boards: b, spam, topical }
}

describe('board pruning', () => {
  it('drops a board of unrelated pins and keeps a topical board of the same kind of size', () => {
    const f = fixture()
    const { groups } = buildGroups(f.board, f.pin, f.boards, { maxGroupSize: 1000, seed: 1 })
    const { groups: pruned, stats } = pruneGroups(groups, 200, {
      diverseMinSize: 20,
      diverseMargin: 0.1,
      pinDegreeExponent: 1,
      seed: 1,
    })
    expect(stats.diverseBoardsTested).toBe(2)
    expect(stats.diverseBoardsDropped).toBe(1)
    expect(stats.diverseMembershipsDropped).toBe(60)
    expect(stats.diverseBaseline).toBeGreaterThan(0)
    expect(membersOf(pruned, f.spam)).toEqual([])
    expect(membersOf(pruned, f.topical)).toHaveLength(20)
    expect(pruned.items.length).toBe(groups.items.length - 60)
  })

  it('leaves boards alone when pins have no other boards to judge them by', () => {
    const board = new Int32Array(100)
    const pin = Int32Array.from({ length: 100 }, (_, i) => i)
    const { groups } = buildGroups(board, pin, 1, { maxGroupSize: 1000, seed: 1 })
    const { groups: pruned, stats } = pruneGroups(groups, 100, {
      diverseMinSize: 20,
      diverseMargin: 0.1,
      pinDegreeExponent: 1,
      seed: 1,
    })
    expect(stats.diverseBoardsDropped).toBe(0)
    expect(stats.diverseBaseline).toBe(0)
    expect(pruned.items.length).toBe(100)
  })

  it('caps a pin on d boards at ceil(d^δ) boards, keeping the smallest', () => {
    // Pin 0 is on boards of sizes 2..9 (board g has g + 2 pins); d = 8, δ = 0.5 keeps ceil(√8) = 3.
    const board: number[] = []
    const pin: number[] = []
    let next = 1
    for (let g = 0; g < 8; g++) {
      board.push(g)
      pin.push(0)
      for (let k = 0; k < g + 1; k++) {
        board.push(g)
        pin.push(next++)
      }
    }
    const { groups } = buildGroups(Int32Array.from(board), Int32Array.from(pin), 8, {
      maxGroupSize: 1000,
      seed: 1,
    })
    const { groups: pruned, stats } = pruneGroups(groups, next, {
      diverseMinSize: 0,
      diverseMargin: 0.1,
      pinDegreeExponent: 0.5,
      seed: 1,
    })
    expect(stats.pinsDegreeCapped).toBe(1)
    expect(stats.pinDegreeMembershipsDropped).toBe(5)
    const boardsOfPin0 = [...Array(8).keys()].filter((g) => membersOf(pruned, g).includes(0))
    expect(boardsOfPin0).toEqual([0, 1, 2])
    // Other pins (degree 1) are untouched.
    expect(pruned.items.length).toBe(groups.items.length - 5)
  })
})
