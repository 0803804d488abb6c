import { describe, expect, it } from 'vitest'
import type { PinEntry, PinRecord } from '../../src/core/artifact'
import { bucketOf } from '../../src/core/blend'
import { DEFAULT_BLEND } from '../../src/core/defaults'
import type { QueryRanker } from '../../src/eval/peers/peer'
import { scoreTask } from '../../src/eval/score-task'
import type { SessionQueries } from '../../src/eval/session-task'
import { ArtifactLookup } from '../../src/offline/blend/rankers'
import { computeSplit, eventsBetween, trainingInputs } from '../../src/offline/blend/split'
import { nextPinQueries } from '../../src/offline/blend/task'
import { tercileThresholds } from '../../src/offline/blend/thresholds'
import { simplexGrid } from '../../src/offline/blend/tune'
import type { EventTable, Inputs } from '../../src/offline/inputs'
import { artifactsFromRecords } from '../../src/offline/records-build'
import { Vocab } from '../../src/offline/vocab'
import { pinEntry } from '../fixtures/pin-entry'

/** One-pin queries: query pin i, target 100 + i, no history. */
function oneTargetQueries(n: number): SessionQueries {
  return {
    query: Int32Array.from({ length: n }, (_, i) => i),
    target: Int32Array.from({ length: n }, (_, i) => 100 + i),
    time: new Float64Array(n),
    historyOffsets: new Int32Array(n + 1),
    history: new Int32Array(0),
  }
}

/** A ranker that puts query i's target at `ranks[i]` (0: absent; null: an empty answer) in 50 pins. */
function rankedAt(ranks: (number | null)[]): QueryRanker {
  return (q) => {
    const rank = ranks[q.pin]
    if (rank === null || rank === undefined) {
      return new Int32Array(0)
    }
    const list = Int32Array.from({ length: 50 }, (_, i) => 1000 + i)
    if (rank > 0) {
      list[rank - 1] = 100 + q.pin
    }
    return list
  }
}

const scoreOptions = (n: number, bootstrap = 100) => ({
  k: 50,
  bootstrap,
  seed: 1,
  catalogueSize: 100,
  bucketOfQuery: new Uint8Array(n),
  warm: new Uint8Array(n).fill(1),
  popular: new Int32Array(0),
})

describe('metrics (eval scoreTask)', () => {
  it('computes HR, MRR, NDCG, coverage and fallback exactly on hand-made ranks', () => {
    // Ranks of the target: 1, 3, 15, 30, absent, and one empty answer (no popular pins to fill it).
    const ranks = [1, 3, 15, 30, 0, null]
    const scores = scoreTask(
      { m: rankedAt(ranks) },
      oneTargetQueries(6),
      'one-pin',
      scoreOptions(6)
    )
    const m = scores.results.m!.overall
    expect(m['hr@10']).toBeCloseTo(2 / 6, 6)
    expect(m['hr@20']).toBeCloseTo(3 / 6, 6)
    expect(m['hr@50']).toBeCloseTo(4 / 6, 12)
    expect(m['mrr@20']).toBeCloseTo((1 + 1 / 3 + 1 / 15) / 6, 6)
    expect(m['ndcg@20']).toBeCloseTo((1 + 1 / Math.log2(4) + 1 / Math.log2(16)) / 6, 6)
    // Top 20 of five lists: the 20 filler pins, less those the targets replaced, plus 3 targets.
    expect(m.coverage).toBeCloseTo(23 / 100, 12)
    expect(m.fallback).toBeCloseTo(1 / 6, 12)
    expect(m.n).toBe(6)
  })

  it('gives a bootstrap interval that contains the mean and narrows with more queries', () => {
    const hits = (n: number) => rankedAt(Array.from({ length: n }, (_, i) => (i % 4 === 0 ? 1 : 0)))
    const small = scoreTask(
      { m: hits(400) },
      oneTargetQueries(400),
      'one-pin',
      scoreOptions(400, 300)
    )
    const [lo, hi] = small.results.m!.overall.ci['hr@20']
    expect(lo).toBeLessThan(0.25)
    expect(hi).toBeGreaterThan(0.25)
    const large = scoreTask(
      { m: hits(1600) },
      oneTargetQueries(1600),
      'one-pin',
      scoreOptions(1600, 300)
    )
    const [lo4, hi4] = large.results.m!.overall.ci['hr@20']
    expect(hi4 - lo4).toBeLessThan(hi - lo)
  })
})

describe('buckets', () => {
  it('assigns at the thresholds: tail <= tailMax < torso <= torsoMax < head', () => {
    const buckets = { tailMax: 3, torsoMax: 20 }
    expect(bucketOf(0, buckets)).toBe('tail')
    expect(bucketOf(3, buckets)).toBe('tail')
    expect(bucketOf(4, buckets)).toBe('torso')
    expect(bucketOf(20, buckets)).toBe('torso')
    expect(bucketOf(21, buckets)).toBe('head')
  })

  it('puts the thresholds at the terciles of query engagement', () => {
    expect(tercileThresholds([1, 2, 3, 4, 5, 6, 7, 8, 9])).toEqual({ tailMax: 4, torsoMax: 7 })
  })
})

const DAY = 86_400_000
function eventTable(rows: [user: string, pin: string, day: number][], pins: Vocab): EventTable {
  const users = new Vocab()
  const actions = new Vocab()
  actions.intern('save')
  return {
    users,
    actions,
    user: Int32Array.from(rows, (r) => users.intern(r[0])),
    pin: Int32Array.from(rows, (r) => pins.intern(r[1])),
    action: new Int32Array(rows.length),
    time: Float64Array.from(rows, (r) => r[2] * DAY),
  }
}

describe('temporal split', () => {
  const pins = new Vocab()
  const events = eventTable(
    Array.from(
      { length: 100 },
      (_, i) => [`u${i % 7}`, `p${i % 13}`, i] as [string, string, number]
    ),
    pins
  )
  const boards = {
    boards: new Vocab(),
    board: Int32Array.from([0, 0, 1, 1, 2]),
    pin: Int32Array.from([0, 1, 2, 3, 4]),
    createdAt: Float64Array.from([10 * DAY, 10 * DAY, 95 * DAY, 95 * DAY, Number.NaN]),
  }
  const inputs: Inputs = {
    pins,
    meta: { title: [], imageUrl: [], link: [] },
    boards,
    events,
    reports: {},
  }

  it('never lets a test-slice event or a later board into training', () => {
    const split = computeSplit(events, { testFraction: 0.2, validationFraction: 0.1 })
    expect(split.testCut).toBeCloseTo(99 * DAY * 0.8, 3)
    expect(split.validationCut).toBeCloseTo(99 * DAY * 0.7, 3)
    const train = trainingInputs(inputs, split.testCut)
    for (const t of train.inputs.events!.time) {
      expect(t).toBeLessThan(split.testCut)
    }
    expect(train.inputs.events!.time.length).toBe(80)
    expect(train.boardsAfterCut).toBe(2)
    expect(train.undatedBoardRows).toBe(1)
    expect([...train.inputs.boards!.pin]).toEqual([0, 1, 4])
    const test = eventsBetween(events, split.testCut, Infinity)
    for (const t of test.time) {
      expect(t).toBeGreaterThanOrEqual(split.testCut)
    }
    expect(test.time.length + train.inputs.events!.time.length).toBe(100)
  })

  it('makes next-distinct-pin queries inside sessions only', () => {
    const p = new Vocab()
    const e = eventTable(
      [
        ['a', 'x', 0],
        ['a', 'x', 0.0001],
        ['a', 'y', 0.0002],
        ['a', 'z', 0.0003],
        ['b', 'y', 0],
        ['a', 'w', 5],
      ],
      p
    )
    const q = nextPinQueries(e, { gapMs: 30 * 60_000, actionWeight: Float64Array.from([1]) })
    const pairs = Array.from(q.query, (x, i) => `${p.ids[x]}>${p.ids[q.target[i]!]}`)
    expect(pairs).toEqual(['x>y', 'y>z'])
  })
})

describe('blend tuning grid', () => {
  it('enumerates the simplex', () => {
    const grid = simplexGrid(['cooc', 'pin2vec', 'session'], 0.5)
    expect(grid.length).toBe(6)
    for (const w of grid) {
      expect(w.cooc + w.pin2vec + w.session).toBeCloseTo(1, 12)
    }
  })
})

describe('evaluation scores the worker ranking', () => {
  const entry = (id: string, v: number[] | null, engagement = 1): PinEntry =>
    pinEntry(id, engagement, v)
  const query = entry('q', [10, 0, 0], 1)
  const record: PinRecord = {
    pin: query,
    candidates: [
      { pin: entry('a', [0, 10, 0]), sources: 1, scores: { cooc: 0.9 } },
      { pin: entry('b', [10, 1, 0]), sources: 2, scores: {} },
    ],
  }
  const pinsVocab = new Vocab()
  for (const id of ['q', 'a', 'b']) {
    pinsVocab.intern(id)
  }
  const lookup = new ArtifactLookup(
    artifactsFromRecords([record], {
      dims: 3,
      vectorDtype: 'int8',
      blend: DEFAULT_BLEND,
      sources: ['cooc', 'pin2vec'],
    }),
    pinsVocab
  )
  // eval asks a ranker for a session query; the one-pin task reads only its pin.
  const rankerFor =
    (blend: typeof DEFAULT_BLEND): QueryRanker =>
    (q, k) =>
      lookup.ranker({ blend })(q.pin, k)

  it('changes its result when the blend the worker uses changes', () => {
    const queries: SessionQueries = {
      query: Int32Array.from([0]),
      target: Int32Array.from([2]),
      time: new Float64Array(1),
      historyOffsets: new Int32Array(2),
      history: new Int32Array(0),
    }
    const leanCooc = {
      ...DEFAULT_BLEND,
      weights: { ...DEFAULT_BLEND.weights, tail: { cooc: 1, pin2vec: 0, session: 0, walk: 0 } },
    }
    const leanP2v = {
      ...DEFAULT_BLEND,
      weights: { ...DEFAULT_BLEND.weights, tail: { cooc: 0, pin2vec: 1, session: 0, walk: 0 } },
    }
    const options = { ...scoreOptions(1, 20), catalogueSize: 3 }
    const a = scoreTask({ blend: rankerFor(leanCooc) }, queries, 'one-pin', options)
    const b = scoreTask({ blend: rankerFor(leanP2v) }, queries, 'one-pin', options)
    expect(a.results.blend!.overall['mrr@20']).toBeCloseTo(0.5, 12)
    expect(b.results.blend!.overall['mrr@20']).toBeCloseTo(1, 12)
  })

  it('decodes records through the shard reader and ranks with rankRelated', () => {
    expect([...lookup.ranker({ only: 'cooc' })(0, 5)]).toEqual([1])
    expect([...lookup.ranker({ only: 'pin2vec' })(0, 5)]).toEqual([2])
  })
})
