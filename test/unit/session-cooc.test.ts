import { describe, expect, it } from 'vitest'
import { prepareSessionCooc, sessionCooccurrence } from '../../src/offline/sessions/session-cooc'
import type { Sessions } from '../../src/offline/sessions/sessionize'

// Pins a=0, b=1, c=2. Actions: save=0 (w 1), click=1 (w 0.5), closeup=2 (w 0.25).
// S0 = [a save, b click, c closeup], S1 = [a save, b save].
const sessions: Sessions = {
  offsets: Int32Array.from([0, 3, 5]),
  pins: Int32Array.from([0, 1, 2, 0, 1]),
  actions: Int32Array.from([0, 1, 2, 0, 0]),
  times: new Float64Array(5),
  user: Int32Array.from([0, 0]),
}
const actionWeight = Float64Array.from([1, 0.5, 0.25])
const base = {
  topN: 5,
  maxDistance: 10,
  decay: 0.5,
  backward: 1,
  popularityExponent: 0.5,
  lengthDamping: 1,
  actionWeight,
}

const scoreOf = (
  lists: ReturnType<typeof sessionCooccurrence>['lists'],
  i: number,
  j: number
): number => {
  for (let r = 0; r < lists.counts[i]!; r++) {
    if (lists.indices[i * lists.topN + r] === j) {
      return lists.scores[i * lists.topN + r]!
    }
  }
  return Number.NaN
}

describe('session co-occurrence', () => {
  it('damped: weights actions, distance and session length, normalised by pin mass', () => {
    const { lists } = sessionCooccurrence(sessions, 3, { ...base, scoring: 'damped' })
    const lw0 = 1 / Math.log2(4)
    const lw1 = 1 / Math.log2(3)
    const massA = lw0 + lw1
    const massB = 0.5 * lw0 + lw1
    const massC = 0.25 * lw0
    const cAB = 1 * lw0 * 0.5 + lw1
    const cAC = 1 * lw0 * 0.25 * 0.5 // distance 2: one decay step
    const cBC = 0.5 * lw0 * 0.25
    expect(scoreOf(lists, 0, 1)).toBeCloseTo(cAB / Math.sqrt(massA * massB), 6)
    expect(scoreOf(lists, 1, 0)).toBeCloseTo(cAB / Math.sqrt(massA * massB), 6)
    expect(scoreOf(lists, 0, 2)).toBeCloseTo(cAC / Math.sqrt(massA * massC), 6)
    expect(scoreOf(lists, 2, 1)).toBeCloseTo(Math.min(1, cBC / Math.sqrt(massB * massC)), 6)
    expect([...lists.indices.subarray(0, 2)]).toEqual([1, 2])
  })

  it('damped: backward pairs weigh `backward`, candidates are damped by mass^β', () => {
    const { lists } = sessionCooccurrence(sessions, 3, {
      ...base,
      scoring: 'damped',
      backward: 0.25,
      popularityExponent: 0.2,
    })
    const lw0 = 1 / Math.log2(4)
    const lw1 = 1 / Math.log2(3)
    const massA = lw0 + lw1
    const massB = 0.5 * lw0 + lw1
    const massC = 0.25 * lw0
    const norm = (own: number, candidate: number) => own ** 0.8 * candidate ** 0.2
    // a comes before b in both sessions: a → b is forward, b → a backward.
    const forwardAB = 1 * lw0 * 0.5 + lw1
    expect(scoreOf(lists, 0, 1)).toBeCloseTo(Math.min(1, forwardAB / norm(massA, massB)), 6)
    expect(scoreOf(lists, 1, 0)).toBeCloseTo(
      Math.min(1, (0.25 * forwardAB) / norm(massB, massA)),
      6
    )
    // c is last: everything in its list came before it.
    const backwardCA = 0.25 * (0.25 * lw0 * 1 * 0.5)
    expect(scoreOf(lists, 2, 0)).toBeCloseTo(Math.min(1, backwardCA / norm(massC, massA)), 6)
  })

  it('damped, length damping 0: every session weighs alike, in the pairs and in the masses', () => {
    const { lists } = sessionCooccurrence(sessions, 3, {
      ...base,
      scoring: 'damped',
      lengthDamping: 0,
    })
    const massA = 1 + 1
    const massB = 0.5 + 1
    const massC = 0.25
    const cAB = 1 * 0.5 + 1
    const cAC = 1 * 0.25 * 0.5
    expect(scoreOf(lists, 0, 1)).toBeCloseTo(Math.min(1, cAB / Math.sqrt(massA * massB)), 6)
    expect(scoreOf(lists, 0, 2)).toBeCloseTo(Math.min(1, cAC / Math.sqrt(massA * massC)), 6)
  })

  it('gives the same lists from an index prepared with another length damping', () => {
    for (const [prepared, asked] of [
      [1, 0],
      [0, 1],
    ] as const) {
      const shared = prepareSessionCooc(sessions, 3, 'damped', actionWeight, prepared)
      const options = { ...base, scoring: 'damped' as const, lengthDamping: asked }
      const fresh = sessionCooccurrence(sessions, 3, options).lists
      const reused = sessionCooccurrence(sessions, 3, options, undefined, shared).lists
      expect([...reused.indices]).toEqual([...fresh.indices])
      expect([...reused.scores]).toEqual([...fresh.scores])
      // The shared index keeps its own weights: it is not changed under the caller.
      expect(shared.lengthDamping).toBe(prepared)
    }
  })

  it('computes only the rows asked for, each exactly as in the full computation', () => {
    for (const scoring of ['damped', 'jaccard'] as const) {
      const full = sessionCooccurrence(sessions, 3, { ...base, scoring }).lists
      const some = sessionCooccurrence(
        sessions,
        3,
        { ...base, scoring },
        Uint8Array.from([0, 1, 0])
      ).lists
      expect(some.counts[0]).toBe(0)
      expect(some.counts[2]).toBe(0)
      expect(some.counts[1]).toBe(full.counts[1])
      expect(some.counts[1]).toBeGreaterThan(0)
      expect([...some.indices.subarray(5, 10)]).toEqual([...full.indices.subarray(5, 10)])
      expect([...some.scores.subarray(5, 10)]).toEqual([...full.scores.subarray(5, 10)])
    }
  })

  it('jaccard: shared sessions over the union of sessions', () => {
    const { lists } = sessionCooccurrence(sessions, 3, { ...base, scoring: 'jaccard' })
    expect(scoreOf(lists, 0, 1)).toBeCloseTo(1, 6)
    expect(scoreOf(lists, 0, 2)).toBeCloseTo(0.5, 6)
    expect(scoreOf(lists, 2, 1)).toBeCloseTo(0.5, 6)
  })

  it('does not pair engagements further apart than maxDistance', () => {
    const { lists } = sessionCooccurrence(sessions, 3, {
      ...base,
      maxDistance: 1,
      scoring: 'damped',
    })
    expect(Number.isNaN(scoreOf(lists, 0, 2))).toBe(true)
    expect(scoreOf(lists, 0, 1)).toBeGreaterThan(0)
  })

  it('counts a session once per pair in jaccard even with repeated pins', () => {
    const repeated: Sessions = {
      ...sessions,
      offsets: Int32Array.from([0, 4]),
      pins: Int32Array.from([0, 1, 0, 1]),
      actions: new Int32Array(4),
      user: Int32Array.from([0]),
    }
    const { lists } = sessionCooccurrence(repeated, 2, { ...base, scoring: 'jaccard' })
    expect(scoreOf(lists, 0, 1)).toBeCloseTo(1, 6)
  })
})
