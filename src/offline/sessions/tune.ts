/**
 * @module
 * Choose how session co-occurrence is scored, on held-out sessions. Data sets disagree on what
 * matters: on online-retail the order inside a session carries most of the signal (what people
 * look at *next*; sequential rules beat undirected counts there), while on data with no order
 * (the generated world) pins before and after count alike. So the build does not guess: it scores
 * each setting of a small grid (decay × backward weight × popularity exponent) on the blend fit's
 * own held-out next-pin queries, the list of the session source alone, and keeps the best.
 * Only the query pins' rows are computed for each setting, so the grid costs little next to the
 * one full computation that follows.
 */

import type { Logger } from '../log'
import { prepareSessionCooc, type SessionCoocOptions, sessionCooccurrence } from './session-cooc'
import type { Sessions } from './sessionize'

/** The scoring parameters the grid varies. */
export type SessionScoringChoice = Pick<
  SessionCoocOptions,
  'decay' | 'backward' | 'popularityExponent'
>

/**
 * The grid. Its bounds come from sweeps on the validation slices of online-retail and the
 * generated world (docs/evaluation.md, "Session scoring"): backward 0 (forward only) lost on both,
 * so it is not tried.
 */
export const SESSION_SCORING_GRID = {
  decay: [0.8, 0.5],
  backward: [1, 0.5, 0.25],
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
export type HeldOutQueries = { query: Int32Array; target: Int32Array }

/** HR@20 and MRR@20 of the lists for the queries (the target among the query pin's first 20). */
function scoreLists(
  lists: ReturnType<typeof sessionCooccurrence>['lists'],
  queries: HeldOutQueries
): { hr20: number; mrr20: number } {
  let hits = 0
  let reciprocal = 0
  for (let q = 0; q < queries.query.length; q++) {
    const pin = queries.query[q]!
    const n = Math.min(K, lists.counts[pin]!)
    for (let r = 0; r < n; r++) {
      if (lists.indices[pin * lists.topN + r] === queries.target[q]) {
        hits++
        reciprocal += 1 / (r + 1)
        break
      }
    }
  }
  const total = Math.max(1, queries.query.length)
  return { hr20: hits / total, mrr20: reciprocal / total }
}

/**
 * Score every grid setting on `queries` and return the best (HR@20, then MRR@20; ties keep the
 * earlier setting, whose first entry is the undirected cosine of earlier versions).
 */
export function tuneSessionScoring(
  sessions: Sessions,
  pinCount: number,
  queries: HeldOutQueries,
  base: SessionCoocOptions,
  log: Logger
): SessionScoringTune {
  const rows = new Uint8Array(pinCount)
  for (const q of queries.query) {
    rows[q] = 1
  }
  const prepared = prepareSessionCooc(sessions, pinCount, base.scoring, base.actionWeight)
  const trials: SessionScoringTrial[] = []
  const total =
    SESSION_SCORING_GRID.decay.length *
    SESSION_SCORING_GRID.backward.length *
    SESSION_SCORING_GRID.popularityExponent.length
  const counter = log.counter('session-cooc', 'session scorings tried on held-out queries', {
    total,
    unit: 'settings',
  })
  for (const decay of SESSION_SCORING_GRID.decay) {
    for (const backward of SESSION_SCORING_GRID.backward) {
      for (const popularityExponent of SESSION_SCORING_GRID.popularityExponent) {
        const options = { ...base, decay, backward, popularityExponent }
        const { lists } = sessionCooccurrence(sessions, pinCount, options, rows, prepared)
        trials.push({ decay, backward, popularityExponent, ...scoreLists(lists, queries) })
        counter.add()
      }
    }
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
