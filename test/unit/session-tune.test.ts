import { describe, expect, it } from 'vitest'
import { silentLogger } from '../../src/offline/log'
import { sessionCooccurrence } from '../../src/offline/sessions/session-cooc'
import type { Sessions } from '../../src/offline/sessions/sessionize'
import { SESSION_SCORING_GRID, tuneSessionScoring } from '../../src/offline/sessions/tune'

// Pin 0 is the query. Pins 1..25 each come before it in two sessions; pins 26..50 each come
// after it in one. Undirected counts rank the 25 earlier pins first, so none of the later ones
// (the held-out next pins) makes the top 20; down-weighting backward pairs puts them first.
function world(): Sessions {
  const pins: number[] = []
  const offsets = [0]
  for (let p = 1; p <= 25; p++) {
    for (let twice = 0; twice < 2; twice++) {
      pins.push(p, 0)
      offsets.push(pins.length)
    }
  }
  for (let n = 26; n <= 50; n++) {
    pins.push(0, n)
    offsets.push(pins.length)
  }
  return {
    offsets: Int32Array.from(offsets),
    pins: Int32Array.from(pins),
    actions: new Int32Array(pins.length),
    times: new Float64Array(pins.length),
    user: new Int32Array(offsets.length - 1),
  }
}

const base = {
  topN: 50,
  scoring: 'damped' as const,
  maxDistance: 10,
  decay: 0.8,
  backward: 1,
  popularityExponent: 0.5,
  lengthDamping: 1,
  actionWeight: Float64Array.from([1]),
}

describe('session scoring tuned on held-out queries', () => {
  const queries = {
    query: new Int32Array(25),
    target: Int32Array.from({ length: 25 }, (_, i) => 26 + i),
  }

  it('tries the whole grid and keeps the setting with the best HR@20', async () => {
    const tuned = await tuneSessionScoring(world(), 51, queries, base, silentLogger)
    const size =
      SESSION_SCORING_GRID.lengthDamping.length *
      SESSION_SCORING_GRID.decay.length *
      SESSION_SCORING_GRID.backward.length *
      SESSION_SCORING_GRID.popularityExponent.length
    expect(tuned.trials).toHaveLength(size)
    expect(tuned.queries).toBe(25)
    const undirected = tuned.trials.filter((t) => t.backward === 1)
    expect(Math.max(...undirected.map((t) => t.hr20))).toBe(0)
    const best = Math.max(...tuned.trials.map((t) => t.hr20))
    expect(best).toBeCloseTo(20 / 25, 9)
    expect(tuned.chosen.backward).toBeLessThan(1)
    const chosen = tuned.trials.find(
      (t) =>
        t.lengthDamping === tuned.chosen.lengthDamping &&
        t.decay === tuned.chosen.decay &&
        t.backward === tuned.chosen.backward &&
        t.popularityExponent === tuned.chosen.popularityExponent
    )!
    expect(chosen.hr20).toBe(best)
    // Decay and length damping cannot matter here (every pair is adjacent, every session has
    // two pins): ties keep the grid's first values.
    expect(tuned.chosen.decay).toBe(SESSION_SCORING_GRID.decay[0])
    expect(tuned.chosen.lengthDamping).toBe(SESSION_SCORING_GRID.lengthDamping[0])
  })

  it('stops damping long sessions where they carry the next pins', async () => {
    // Pin 1 follows the query pin 0 in two long sessions (with 28 other pins each); pin 2 follows
    // it in one short session. Damped by length, 2 outranks 1; undamped, 1 comes first. The
    // held-out next pin is 1: both settings have it in the top 20, so MRR decides.
    const pins: number[] = []
    const offsets = [0]
    for (let s = 0; s < 2; s++) {
      pins.push(0, 1, ...Array.from({ length: 28 }, (_, f) => 3 + s * 28 + f))
      offsets.push(pins.length)
    }
    pins.push(0, 2)
    offsets.push(pins.length)
    const sessions: Sessions = {
      offsets: Int32Array.from(offsets),
      pins: Int32Array.from(pins),
      actions: new Int32Array(pins.length),
      times: new Float64Array(pins.length),
      user: new Int32Array(offsets.length - 1),
    }
    const next = { query: new Int32Array(4), target: new Int32Array(4).fill(1) }
    const tuned = await tuneSessionScoring(sessions, 59, next, base, silentLogger)
    expect(tuned.chosen.lengthDamping).toBe(0)
    const best = (gamma: number) =>
      Math.max(...tuned.trials.filter((t) => t.lengthDamping === gamma).map((t) => t.mrr20))
    expect(best(0)).toBeCloseTo(1, 9)
    expect(best(1)).toBeCloseTo(0.5, 9)
  })

  it('skips the pins already engaged in the session, as the served answer does', async () => {
    // The user saw all 25 earlier pins before the query: skipped, the later pins rank.
    const tokens = Int32Array.from([...Array.from({ length: 25 }, (_, i) => 1 + i), 0])
    const withHistory = {
      ...queries,
      history: { tokens, start: new Int32Array(25), end: new Int32Array(25).fill(26) },
    }
    const tuned = await tuneSessionScoring(world(), 51, withHistory, base, silentLogger)
    const undirected = tuned.trials.filter((t) => t.backward === 1)
    expect(Math.min(...undirected.map((t) => t.hr20))).toBeCloseTo(20 / 25, 9)
  })

  it('scores each setting exactly as the lists the build serves with it', async () => {
    // Mixed world: earlier pins seen twice, later ones once, at distances 1 and 2.
    const sessions = world()
    const tuned = await tuneSessionScoring(sessions, 51, queries, base, silentLogger)
    for (const trial of tuned.trials) {
      const { lists } = sessionCooccurrence(sessions, 51, { ...base, ...trial })
      let hits = 0
      for (let q = 0; q < queries.query.length; q++) {
        const pin = queries.query[q]!
        const top = lists.indices.subarray(pin * 50, pin * 50 + Math.min(20, lists.counts[pin]!))
        hits += top.includes(queries.target[q]!) ? 1 : 0
      }
      expect(trial.hr20).toBeCloseTo(hits / queries.query.length, 12)
    }
  })

  it('gives the same trials on two threads as on one', async () => {
    // Queries on several pins (the threads split the query pins' rows), some with history.
    const sessions = world()
    const several = {
      query: Int32Array.from({ length: 40 }, (_, q) => [0, 1, 26, 30][q % 4]!),
      target: Int32Array.from({ length: 40 }, (_, q) => [27, 0, 0, 2][q % 4]! + (q % 3)),
      history: {
        tokens: Int32Array.from([1, 2, 3, 26]),
        start: Int32Array.from({ length: 40 }, (_, q) => q % 4),
        end: new Int32Array(40).fill(4),
      },
    }
    const one = await tuneSessionScoring(sessions, 51, several, base, silentLogger, { threads: 1 })
    const two = await tuneSessionScoring(sessions, 51, several, base, silentLogger, { threads: 2 })
    expect(one.trials.some((t) => t.hr20 > 0)).toBe(true)
    expect(two.trials).toEqual(one.trials)
    expect(two.chosen).toEqual(one.chosen)
  })
})
