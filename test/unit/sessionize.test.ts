import { describe, expect, it } from 'vitest'
import { sessionCorpus, sessionize } from '../../src/offline/sessions/sessionize'

const MIN = 60_000
const events = (rows: [user: number, pin: number, action: number, minute: number][]) => ({
  user: Int32Array.from(rows.map((r) => r[0])),
  pin: Int32Array.from(rows.map((r) => r[1])),
  action: Int32Array.from(rows.map((r) => r[2])),
  time: Float64Array.from(rows.map((r) => r[3] * MIN)),
})
const allActions = Float64Array.from([1, 1])

describe('sessionize', () => {
  it('splits only when the gap is strictly longer than the limit', () => {
    const { sessions } = sessionize(
      events([
        [0, 1, 0, 0],
        [0, 2, 0, 30],
        [0, 3, 0, 60.001],
      ]),
      { gapMs: 30 * MIN, actionWeight: allActions }
    )
    expect([...sessions.offsets]).toEqual([0, 2, 3])
    expect([...sessions.pins]).toEqual([1, 2, 3])
  })

  it('sorts unsorted input by user and time, and never joins two users', () => {
    const { sessions, stats } = sessionize(
      events([
        [1, 9, 0, 5],
        [0, 2, 0, 3],
        [1, 8, 0, 1],
        [0, 1, 0, 1],
      ]),
      { gapMs: 30 * MIN, actionWeight: allActions }
    )
    expect([...sessions.offsets]).toEqual([0, 2, 4])
    expect([...sessions.pins]).toEqual([1, 2, 8, 9])
    expect([...sessions.user]).toEqual([0, 1])
    expect(stats.sessions).toBe(2)
  })

  it('leaves out actions of weight 0 and counts them', () => {
    const { sessions, stats } = sessionize(
      events([
        [0, 1, 0, 0],
        [0, 2, 1, 1],
        [0, 3, 0, 2],
      ]),
      { gapMs: 30 * MIN, actionWeight: Float64Array.from([1, 0]) }
    )
    expect([...sessions.pins]).toEqual([1, 3])
    expect(stats.excludedByAction).toBe(1)
  })

  it('collapses immediate repeats and drops one-pin sessions from the corpus', () => {
    const { sessions } = sessionize(
      events([
        [0, 1, 0, 0],
        [0, 1, 1, 1],
        [0, 2, 0, 2],
        [0, 1, 0, 3],
        [1, 7, 0, 0],
        [1, 7, 0, 1],
      ]),
      { gapMs: 30 * MIN, actionWeight: allActions }
    )
    const corpus = sessionCorpus(sessions)
    expect([...corpus.tokens]).toEqual([1, 2, 1])
    expect([...corpus.offsets]).toEqual([0, 3])
  })
})
