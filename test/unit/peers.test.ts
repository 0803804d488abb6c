import { describe, expect, it } from 'vitest'
import { shardOf } from '../../src/core/hash'
import { MAX_RECORD_READS, readableContext } from '../../src/core/session-model'
import { PEER_NAMES } from '../../src/eval/options'
import { arPeer, itemKnnPeer, sarPeer, srPeer } from '../../src/eval/peers/item-peers'
import type { QueryRanker, SessionQuery } from '../../src/eval/peers/peer'
import { PEERS } from '../../src/eval/peers/registry'
import { sknnPeer, stanPeer, vsknnPeer } from '../../src/eval/peers/session-peers'
import { indexSessions, sessionsOf } from '../../src/eval/peers/training-sessions'
import { compareToBest, scoreTask, servedAnswer } from '../../src/eval/score-task'
import { queryOf, sampleSessionQueries, sessionQueries } from '../../src/eval/session-task'
import type { Sessions } from '../../src/offline/sessions/sessionize'
import { Vocab } from '../../src/offline/vocab'

/** Sessions from pin lists; session s ends at time s (later sessions are more recent). */
function sessions(lists: number[][]): Sessions {
  const offsets = [0]
  const pins: number[] = []
  const times: number[] = []
  lists.forEach((l, s) => {
    for (const p of l) {
      pins.push(p)
      times.push(s)
    }
    offsets.push(pins.length)
  })
  return {
    offsets: Int32Array.from(offsets),
    pins: Int32Array.from(pins),
    actions: new Int32Array(pins.length),
    times: Float64Array.from(times),
    user: new Int32Array(lists.length),
  }
}

const ask = (r: QueryRanker, pin: number, context: number[] = [], skip: number[] = []) => [
  ...r(
    { pin, context: Int32Array.from(context), time: 100 } as SessionQuery,
    10,
    new Set([pin, ...context, ...skip])
  ),
]

describe('peer registry', () => {
  it('defines exactly the peers the eval --peers flag accepts, in the same order', () => {
    expect(PEERS.map((p) => p.name)).toEqual([...PEER_NAMES])
  })
})

describe('training sessions', () => {
  it('collapses repeats, drops one-pin sessions and lists each pin’s sessions most recent first', () => {
    const t = indexSessions(
      sessions([
        [0, 0, 1],
        [2, 2],
        [1, 0, 3],
      ]),
      4
    )
    expect(t.offsets.length - 1).toBe(2)
    expect([...t.pins]).toEqual([0, 1, 1, 0, 3])
    expect([...sessionsOf(t, 0)]).toEqual([1, 0])
    expect([...sessionsOf(t, 2)]).toEqual([])
  })
})

describe('item-to-item peers', () => {
  // c(0,1) = 2, c(0,2) = 1, n(0) = 3, n(1) = 2, n(2) = 3.
  const t = indexSessions(
    sessions([
      [0, 1],
      [0, 1, 1],
      [0, 2],
      [2, 3],
      [2, 3],
    ]),
    4
  )

  it('SAR ranks by Jaccard over session sets', () => {
    expect(ask(sarPeer(t), 0)).toEqual([1, 2])
    expect(ask(sarPeer(t), 3)).toEqual([2])
  })

  it('AR counts sessions holding both pins', () => {
    expect(ask(arPeer(t), 2)).toEqual([3, 0])
  })

  it('SR follows the order of the session, 1 / distance', () => {
    const seq = indexSessions(
      sessions([
        [5, 6, 7],
        [5, 7],
        [6, 5],
      ]),
      8
    )
    // 5 → 6 (1), 5 → 7 (1/2 + 1): 7 first; 6 → 5 is a rule of 6, not of 5.
    expect(ask(srPeer(seq), 5)).toEqual([7, 6])
    expect(ask(srPeer(seq, { steps: 1 }), 5)).toEqual([6, 7])
  })

  it('item-kNN shrinks rare pairs', () => {
    // λ = 0: 1 → 0 scores 2 / √(2·3); with a large λ, raw counts order them.
    expect(ask(itemKnnPeer(t, { alpha: 0.5, lambda: 0 }), 0)).toEqual([1, 2])
  })

  it('never returns skipped pins', () => {
    expect(ask(sarPeer(t), 0, [], [1])).toEqual([2])
  })
})

describe('session peers', () => {
  // Sessions: A holds 1,2,9; B holds 3,8 (more recent); the current session is 1 then 3.
  const t = indexSessions(
    sessions([
      [1, 2, 9],
      [3, 8],
      [1, 3, 4],
    ]),
    10
  )

  it('SKNN votes by neighbour similarity', () => {
    // Session 2 shares both pins (sim 2/√(2·3)); it proposes 4 first.
    expect(ask(sknnPeer(t), 3, [1])[0]).toBe(4)
  })

  it('V-SKNN weighs the recent pin more than the older one', () => {
    const r = ask(vsknnPeer(t), 3, [1])
    // 8 (from the session holding the query pin 3) beats 2 and 9 (holding only the older pin 1).
    expect(r.indexOf(8)).toBeLessThan(r.indexOf(2))
  })

  it('STAN weighs pins near the shared pin in the neighbour more', () => {
    const far = indexSessions(sessions([[5, 6, 7, 8, 9]]), 10)
    const r = ask(
      stanPeer(far, { k: 10, sample: 10, lambda1: 1, lambda2: Infinity, lambda3: 1 }),
      7
    )
    expect(r.slice(0, 2).sort()).toEqual([6, 8])
    expect(r.slice(2).sort()).toEqual([5, 9])
  })
})

describe('session task', () => {
  const DAY = 86_400_000
  const pins = new Vocab()
  const users = new Vocab()
  const actions = new Vocab()
  actions.intern('save')
  // One session: a b a c b d → queries on targets new to the session: a>b, b>a? no (a seen), a>c, b>d? (c>b seen) ...
  const rows = ['a', 'b', 'a', 'c', 'b', 'd']
  const events = {
    users,
    actions,
    user: Int32Array.from(rows, () => users.intern('u')),
    pin: Int32Array.from(rows, (r) => pins.intern(r)),
    action: new Int32Array(rows.length),
    time: Float64Array.from(rows, (_, i) => i * 1000 + DAY),
  }
  const q = sessionQueries(events, { gapMs: 30 * 60_000, actionWeight: Float64Array.from([1]) })
  const name = (i: number) => pins.ids[i]!

  it('keeps only targets new to the session, with the earlier pins most recent first', () => {
    const pairs = Array.from(q.query, (x, i) => `${name(x)}>${name(q.target[i]!)}`)
    expect(pairs).toEqual(['a>b', 'a>c', 'b>d'])
    const last = queryOf(q, 2, 'session')
    expect([...last.query.context].map(name)).toEqual(['c', 'a'])
    expect([...last.skip].map(name).sort()).toEqual(['a', 'b', 'c'])
    expect(queryOf(q, 2, 'one-pin').query.context.length).toBe(0)
    expect([...queryOf(q, 2, 'one-pin').skip].map(name).sort()).toEqual(['a', 'b', 'c'])
  })

  it('samples evenly and keeps each query’s history', () => {
    const s = sampleSessionQueries(q, 2)
    expect(s.query.length).toBe(2)
    expect([...queryOf(s, 1, 'session').query.context].map(name)).toEqual(['b'])
  })
})

describe('scoring under the served rules', () => {
  it('gives every method the popular fallback and the exclusions', () => {
    expect([
      ...servedAnswer(Int32Array.from([]), new Set([7]), Int32Array.from([7, 8, 9]), 2).list,
    ]).toEqual([8, 9])
    expect([
      ...servedAnswer(Int32Array.from([7, 3]), new Set([7]), Int32Array.from([8]), 2).list,
    ]).toEqual([3])
  })

  it('scores HR, MRR and NDCG with intervals and paired differences', () => {
    const n = 40
    const queries = {
      query: new Int32Array(n),
      target: Int32Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 1 : 2)),
      time: new Float64Array(n),
      historyOffsets: new Int32Array(n + 1),
      history: new Int32Array(0),
    }
    const scores = scoreTask(
      {
        good: () => Int32Array.from([1, 2]),
        bad: () => Int32Array.from([3, 4]),
      },
      queries,
      'one-pin',
      {
        k: 50,
        bootstrap: 50,
        seed: 1,
        catalogueSize: 10,
        bucketOfQuery: new Uint8Array(n),
        warm: new Uint8Array(n).fill(1),
        popular: Int32Array.from([1]),
      }
    )
    const good = scores.results.good!.overall
    expect(good['hr@20']).toBe(1)
    expect(good['mrr@20']).toBeCloseTo(0.75, 12)
    expect(good['ndcg@20']).toBeCloseTo((1 + 1 / Math.log2(3)) / 2, 6)
    expect(good.ci['mrr@20'][0]).toBeLessThanOrEqual(0.75)
    expect(good.ci['mrr@20'][1]).toBeGreaterThanOrEqual(0.75)
    expect(scores.results.bad!.overall['hr@20']).toBe(0)
    expect(scores.results.good!.tail.n).toBe(n)
    const c = compareToBest(scores, 'good', ['bad'], 'hr@20')
    expect(c.overall.difference95).toEqual([1, 1])
  })
})

describe('session model read budget', () => {
  it('reads the most recent context pins while their shards fit, shards already read are free', () => {
    const ids = Array.from({ length: 40 }, (_, i) => `pin-${i}`)
    const shardCount = 1000
    const readable = readableContext(['q'], ids, shardCount)
    const shards = new Set(['q', ...readable].map((id) => shardOf(id, shardCount)))
    expect(shards.size).toBe(MAX_RECORD_READS)
    // In order, most recent first: the first unread pin comes after every readable one in a new shard.
    expect(readable).toEqual(ids.slice(0, readable.length))
    expect(readableContext(['q'], ['q', 'q'], 1)).toEqual(['q', 'q'])
  })
})
