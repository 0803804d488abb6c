/**
 * @module
 * Choose how session co-occurrence is scored, on held-out sessions. Data sets disagree on what
 * matters: on online-retail the order inside a session carries most of the signal (what people
 * look at *next*; sequential rules beat undirected counts there), while on data with no order
 * (the generated world) pins before and after count alike. So the build does not guess: it scores
 * each setting of a small grid (decay × backward weight × popularity exponent) on the blend fit's
 * own held-out next-pin queries, the list of the session source alone with the pins already
 * engaged in the session skipped (as the served answer skips them), and keeps the best.
 * Only the query pins' rows are computed, once per decay (the other two parameters are applied
 * to the same sums), so the grid costs little next to the one full computation that follows.
 */

import type { Logger } from '../log'
import { createNeighbourLists, type NeighbourLists, rankScore, TopK } from '../neighbour-lists'
import {
  DampedRow,
  dampedScore,
  popularityNorms,
  prepareSessionCooc,
  type SessionCoocOptions,
} from './session-cooc'
import type { Sessions } from './sessionize'

/** The scoring parameters the grid varies. */
export type SessionScoringChoice = Pick<
  SessionCoocOptions,
  'decay' | 'backward' | 'popularityExponent'
>

/**
 * The grid. Its bounds come from sweeps on the validation slices of online-retail and the
 * generated world, scored as the served answer is (pins already engaged in the session skipped;
 * `npm run bench -- sources`): forward-only pairs win on online-retail (decay 0.5), backward 0.5–1
 * with no decay on the generated world; β 0.5 (the symmetric cosine) wins on neither but is
 * kept as the neutral choice.
 */
export const SESSION_SCORING_GRID = {
  decay: [1, 0.8, 0.5, 0.3],
  backward: [1, 0.5, 0.25, 0],
  popularityExponent: [0.5, 0.2, 0],
} as const

export type SessionScoringTrial = SessionScoringChoice & { hr20: number; mrr20: number }

export type SessionScoringTune = {
  chosen: SessionScoringChoice
  trials: SessionScoringTrial[]
  queries: number
}

const K = 20

/** Next-pin queries (the shape of blend/task.ts's, declared here so sessions/ needs no blend/). */
export type HeldOutQueries = {
  query: Int32Array
  target: Int32Array
  /** Pins already engaged in the session at each query: tokens[start[q] .. end[q]). */
  history?: { tokens: Int32Array; start: Int32Array; end: Int32Array }
}

/**
 * HR@20 and MRR@20 of the lists for the queries: the target among the query pin's first 20
 * candidates that the user had not engaged yet in the session (the served answer skips those).
 */
function scoreLists(
  lists: NeighbourLists,
  rowOf: Int32Array,
  queries: HeldOutQueries,
  seenStamp: Int32Array
): { hr20: number; mrr20: number } {
  let hits = 0
  let reciprocal = 0
  const h = queries.history
  for (let q = 0; q < queries.query.length; q++) {
    const row = rowOf[queries.query[q]!]!
    if (h) {
      for (let k = h.start[q]!; k < h.end[q]!; k++) {
        seenStamp[h.tokens[k]!] = q
      }
    }
    let rank = 0
    for (let r = 0; r < lists.counts[row]! && rank < K; r++) {
      const candidate = lists.indices[row * lists.topN + r]!
      if (h && seenStamp[candidate] === q) {
        continue
      }
      if (candidate === queries.target[q]) {
        hits++
        reciprocal += 1 / (rank + 1)
        break
      }
      rank++
    }
  }
  const total = Math.max(1, queries.query.length)
  return { hr20: hits / total, mrr20: reciprocal / total }
}

/**
 * Score every grid setting on `queries` and return the best (HR@20, then MRR@20; ties keep the
 * earlier setting). One pass over the sessions per decay: the backward weights and popularity
 * exponents are applied to its forward and backward sums (DampedRow), for the query pins' rows.
 */
export function tuneSessionScoring(
  sessions: Sessions,
  pinCount: number,
  queries: HeldOutQueries,
  base: SessionCoocOptions,
  log: Logger
): SessionScoringTune {
  // The query pins' rows, compactly: rowOf[pin] = its row in the per-setting lists, or -1.
  const rowOf = new Int32Array(pinCount).fill(-1)
  const rowPins: number[] = []
  for (const q of queries.query) {
    if (rowOf[q] === -1) {
      rowOf[q] = rowPins.length
      rowPins.push(q)
    }
  }
  const prepared = prepareSessionCooc(sessions, pinCount, base.scoring, base.actionWeight)
  const combos = SESSION_SCORING_GRID.backward.flatMap((backward) =>
    SESSION_SCORING_GRID.popularityExponent.map((popularityExponent) => ({
      backward,
      popularityExponent,
      norms: popularityNorms(prepared.mass, popularityExponent),
    }))
  )
  const heap = new TopK(base.topN)
  const seenStamp = new Int32Array(pinCount).fill(-1)
  const trials: SessionScoringTrial[] = []
  const counter = log.counter('session-cooc', 'session scorings tried on held-out queries', {
    total: SESSION_SCORING_GRID.decay.length * combos.length,
    unit: 'settings',
  })
  for (const decay of SESSION_SCORING_GRID.decay) {
    const row = new DampedRow(sessions, prepared, pinCount, { ...base, decay })
    const lists = combos.map(() => createNeighbourLists(rowPins.length, base.topN))
    rowPins.forEach((i, r) => {
      row.accumulate(i)
      combos.forEach((combo, c) => {
        for (let t = 0; t < row.count; t++) {
          const j = row.touched[t]!
          const sum = row.forward[j]! + combo.backward * row.backward[j]!
          if (sum !== 0) {
            heap.push(
              j,
              rankScore(dampedScore(sum, combo.norms.own[i]!, combo.norms.candidate[j]!))
            )
          }
        }
        heap.drainInto(lists[c]!, r)
      })
      row.clear()
    })
    combos.forEach((combo, c) => {
      const { backward, popularityExponent } = combo
      const scored = scoreLists(lists[c]!, rowOf, queries, seenStamp)
      trials.push({ decay, backward, popularityExponent, ...scored })
      counter.add()
    })
  }
  const best = trials.reduce((a, b) =>
    b.hr20 > a.hr20 || (b.hr20 === a.hr20 && b.mrr20 > a.mrr20) ? b : a
  )
  counter.end(
    `best: decay ${best.decay}, backward ${best.backward}, popularity exponent ${best.popularityExponent} (HR@20 ${(100 * best.hr20).toFixed(2)}%)`
  )
  return {
    chosen: {
      decay: best.decay,
      backward: best.backward,
      popularityExponent: best.popularityExponent,
    },
    trials,
    queries: queries.query.length,
  }
}
