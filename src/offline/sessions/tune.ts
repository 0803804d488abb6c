/**
 * @module
 * Choose how session co-occurrence is scored, on held-out sessions. Data sets disagree on what
 * matters: on online-retail the order inside a session carries most of the signal (what people
 * look at *next*; sequential rules beat undirected counts there), while on data with no order
 * (the generated world) pins before and after count alike. So the build does not guess: it scores
 * each setting of a small grid (length damping × decay × backward weight × popularity exponent)
 * on the blend fit's own held-out next-pin queries, the list of the session source alone with the
 * pins already engaged in the session skipped (as the served answer skips them), and keeps the
 * best. Only the query pins' rows are computed, once per length damping and decay (the other two
 * parameters are applied to the same sums). Popular query pins have long rows, so at 1M pins the
 * grid costs more than the full computation that follows; on large inputs it runs on two threads.
 */

import { availableParallelism } from 'node:os'
import type { Logger } from '../log'
import { createNeighbourLists, type NeighbourLists, TopK } from '../neighbour-lists'
import { runThreads, share } from '../threads'
import {
  DampedRow,
  popularityNorms,
  prepareSessionCooc,
  pushScoredRow,
  type SessionCoocOptions,
  type SessionCoocPrepared,
  withLengthDamping,
} from './session-cooc'
import type { Sessions } from './sessionize'

/** The scoring parameters the grid varies. */
export type SessionScoringChoice = Pick<
  SessionCoocOptions,
  'lengthDamping' | 'decay' | 'backward' | 'popularityExponent'
>

/**
 * The grid. Its bounds come from sweeps on the validation slices of online-retail and the
 * generated world, scored as the served answer is (pins already engaged in the session skipped;
 * `npm run bench -- sources`): forward-only pairs win on online-retail (decay 0.5), backward 0.5–1
 * with no decay on the generated world; β 0.5 (the symmetric cosine) wins on neither but is
 * kept as the neutral choice. Damping long sessions (γ 1) wins slightly on the generated world
 * (HR@20 52.89 against 52.48 at decay 1, backward 0.5, β 0) and loses on online-retail, whose
 * long sessions are coherent baskets (53.78 against 54.61 at decay 0.5, backward 0, β 0); γ 1
 * comes first, so a tie keeps it.
 */
export const SESSION_SCORING_GRID = {
  lengthDamping: [1, 0],
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

/** Queries grouped by the row of their query pin: row r's are queries[offsets[r] .. offsets[r + 1]). */
type RowQueries = { rowPins: Int32Array; offsets: Int32Array; queries: Int32Array }

function groupByRow(queries: HeldOutQueries, pinCount: number): RowQueries {
  const rowOf = new Int32Array(pinCount).fill(-1)
  const pins: number[] = []
  for (const q of queries.query) {
    if (rowOf[q] === -1) {
      rowOf[q] = pins.length
      pins.push(q)
    }
  }
  const offsets = new Int32Array(pins.length + 1)
  for (const q of queries.query) {
    offsets[rowOf[q]! + 1]!++
  }
  for (let r = 0; r < pins.length; r++) {
    offsets[r + 1]! += offsets[r]!
  }
  const next = offsets.slice(0, pins.length)
  const grouped = new Int32Array(queries.query.length)
  queries.query.forEach((pin, q) => {
    grouped[next[rowOf[pin]!]!++] = q
  })
  return { rowPins: Int32Array.from(pins), offsets, queries: grouped }
}

/**
 * One share of the grid's work: the rows r = first, first + step, … of every decay. Everything is
 * typed arrays, so worker threads get it on shared memory without a copy.
 */
export type TuneJob = {
  sessions: Pick<Sessions, 'offsets' | 'pins' | 'actions'>
  prepared: SessionCoocPrepared
  pinCount: number
  base: Pick<SessionCoocOptions, 'topN' | 'maxDistance' | 'actionWeight'>
  rows: RowQueries
  target: Int32Array
  history?: HeldOutQueries['history']
  first: number
  step: number
  /** progress[0]: rows done over all passes, by every job (Atomics; read by the main thread). */
  progress: Int32Array
  /**
   * Out: rank[(setting × queries) + q] = the 0-based rank of query q's target among its first 20
   * unseen candidates under setting (gridSettings() order), or -1. Each job writes its rows'
   * queries only.
   */
  rank: Int32Array
}

/** What one pass over a decay's sums scores: backward weight, then popularity exponent. */
const PER_DECAY = SESSION_SCORING_GRID.backward.flatMap((backward) =>
  SESSION_SCORING_GRID.popularityExponent.map((popularityExponent) => ({
    backward,
    popularityExponent,
  }))
)

/** One pass over the query rows' sessions per (length damping, decay), in trial order. */
const PASSES = SESSION_SCORING_GRID.lengthDamping.flatMap((lengthDamping) =>
  SESSION_SCORING_GRID.decay.map((decay) => ({ lengthDamping, decay }))
)

/** The grid settings in trial order: setting pass * PER_DECAY.length + c. */
export const gridSettings = (): SessionScoringChoice[] =>
  PASSES.flatMap((pass) => PER_DECAY.map((p) => ({ ...pass, ...p })))

/**
 * Fill `job.rank` for the job's rows: per length damping and decay one pass over each row's
 * sessions; the backward weights and popularity exponents are applied to its forward and backward
 * sums (DampedRow), each setting's list is ranked as the served list is, and each of the row's
 * queries is looked up in it with the pins already engaged in its session skipped (as the served
 * answer skips them).
 */
export function rankTargets(job: TuneJob): void {
  const { sessions, pinCount, base, rows, target, history, rank } = job
  const queryCount = target.length
  const heap = new TopK(base.topN)
  const lists = createNeighbourLists(PER_DECAY.length, base.topN)
  const seenStamp = new Int32Array(pinCount).fill(-1)
  let prepared = job.prepared
  let combos: { backward: number; norms: ReturnType<typeof popularityNorms> }[] = []
  PASSES.forEach(({ lengthDamping, decay }, d) => {
    if (d === 0 || lengthDamping !== PASSES[d - 1]!.lengthDamping) {
      prepared = withLengthDamping(job.prepared, sessions, base.actionWeight, lengthDamping)
      // One pair of norm arrays per exponent (2 × 8 B per pin each), shared by the backward
      // weights; the masses depend on the length damping only.
      const normsOf = SESSION_SCORING_GRID.popularityExponent.map((beta) =>
        popularityNorms(prepared.mass, beta)
      )
      combos = PER_DECAY.map(({ backward, popularityExponent }) => ({
        backward,
        norms: normsOf[SESSION_SCORING_GRID.popularityExponent.indexOf(popularityExponent)]!,
      }))
    }
    const row = new DampedRow(sessions, prepared, pinCount, { ...base, decay })
    for (let r = job.first; r < rows.rowPins.length; r += job.step) {
      const i = rows.rowPins[r]!
      row.accumulate(i)
      for (let c = 0; c < combos.length; c++) {
        pushScoredRow(row, i, combos[c]!.backward, combos[c]!.norms, heap)
        heap.drainInto(lists, c)
      }
      row.clear()
      Atomics.add(job.progress, 0, 1)
      for (let g = rows.offsets[r]!; g < rows.offsets[r + 1]!; g++) {
        const q = rows.queries[g]!
        if (history) {
          for (let k = history.start[q]!; k < history.end[q]!; k++) {
            seenStamp[history.tokens[k]!] = q
          }
        }
        for (let c = 0; c < combos.length; c++) {
          rank[(d * combos.length + c) * queryCount + q] = rankOf(
            lists,
            c,
            target[q]!,
            q,
            seenStamp
          )
        }
      }
    }
  })
}

/** The target's rank among row c's first K candidates not stamped q (seen), or -1. */
function rankOf(
  lists: NeighbourLists,
  c: number,
  target: number,
  q: number,
  seenStamp: Int32Array
): number {
  let rank = 0
  for (let r = 0; r < lists.counts[c]! && rank < K; r++) {
    const candidate = lists.indices[c * lists.topN + r]!
    if (seenStamp[candidate] === q) {
      continue
    }
    if (candidate === target) {
      return rank
    }
    rank++
  }
  return -1
}

/** Below this many session engagements the grid runs on the calling thread (threads cost ~1 s). */
const THREADED_MIN_ENGAGEMENTS = 1_000_000

/**
 * Score every grid setting on `queries` and return the best (HR@20, then MRR@20; ties keep the
 * earlier setting). The query pins' rows are split between `threads` worker threads (default: 2
 * on large inputs); the result does not depend on the split.
 */
export async function tuneSessionScoring(
  sessions: Sessions,
  pinCount: number,
  queries: HeldOutQueries,
  base: SessionCoocOptions,
  log: Logger,
  options: { threads?: number; prepared?: SessionCoocPrepared } = {}
): Promise<SessionScoringTune> {
  const settings = gridSettings()
  const queryCount = queries.query.length
  const threads =
    options.threads ??
    (sessions.pins.length >= THREADED_MIN_ENGAGEMENTS ? Math.min(2, availableParallelism()) : 1)
  const prepared =
    options.prepared ??
    prepareSessionCooc(sessions, pinCount, base.scoring, base.actionWeight, base.lengthDamping)
  const job = {
    sessions: { offsets: sessions.offsets, pins: sessions.pins, actions: sessions.actions },
    prepared,
    pinCount,
    base: { topN: base.topN, maxDistance: base.maxDistance, actionWeight: base.actionWeight },
    rows: groupByRow(queries, pinCount),
    target: queries.target,
    ...(queries.history ? { history: queries.history } : {}),
    first: 0,
    step: 1,
    progress: new Int32Array(new SharedArrayBuffer(4)),
    rank: new Int32Array(settings.length * queryCount),
  } satisfies TuneJob
  const counter = log.counter(
    'session-cooc',
    `query rows scored under ${settings.length} session scorings (${queryCount.toLocaleString('en')} held-out queries, ${threads} thread(s))`,
    { total: job.rows.rowPins.length * PASSES.length, unit: 'rows' }
  )
  if (threads <= 1) {
    rankTargets(job)
  } else {
    const shared = shareJob(job)
    const timer = setInterval(() => counter.set(Atomics.load(job.progress, 0)), 1000)
    try {
      await runThreads<TuneJob, null>(
        THREAD_ENTRY,
        Array.from({ length: threads }, (_, first) => ({ ...shared, first, step: threads })),
        { stage: 'sessions', label: 'session scoring' }
      )
    } finally {
      clearInterval(timer)
    }
    job.rank.set(shared.rank)
  }
  counter.set(Atomics.load(job.progress, 0))
  const trials = settings.map((setting, k): SessionScoringTrial => {
    let hits = 0
    let reciprocal = 0
    for (let q = 0; q < queryCount; q++) {
      const r = job.rank[k * queryCount + q]!
      if (r >= 0) {
        hits++
        reciprocal += 1 / (r + 1)
      }
    }
    const total = Math.max(1, queryCount)
    return { ...setting, hr20: hits / total, mrr20: reciprocal / total }
  })
  const best = trials.reduce((a, b) =>
    b.hr20 > a.hr20 || (b.hr20 === a.hr20 && b.mrr20 > a.mrr20) ? b : a
  )
  counter.end(
    `best: length damping ${best.lengthDamping}, decay ${best.decay}, backward ${best.backward}, popularity exponent ${best.popularityExponent} (HR@20 ${(100 * best.hr20).toFixed(2)}%)`
  )
  return {
    chosen: {
      lengthDamping: best.lengthDamping,
      decay: best.decay,
      backward: best.backward,
      popularityExponent: best.popularityExponent,
    },
    trials,
    queries: queryCount,
  }
}

const THREAD_ENTRY = new URL('./tune-thread-entry.ts', import.meta.url)

/** The job with every array on shared memory (copied once), for the worker threads. */
function shareJob(job: TuneJob): TuneJob {
  const { sessions, prepared, rows, history } = job
  return {
    ...job,
    sessions: {
      offsets: share(sessions.offsets),
      pins: share(sessions.pins),
      actions: share(sessions.actions),
    },
    prepared: {
      ...prepared,
      occ: {
        offsets: share(prepared.occ.offsets),
        session: share(prepared.occ.session),
        position: share(prepared.occ.position),
      },
      lengthWeight: share(prepared.lengthWeight),
      mass: share(prepared.mass),
    },
    base: { ...job.base, actionWeight: share(job.base.actionWeight) },
    rows: {
      rowPins: share(rows.rowPins),
      offsets: share(rows.offsets),
      queries: share(rows.queries),
    },
    target: share(job.target),
    ...(history
      ? {
          history: {
            tokens: share(history.tokens),
            start: share(history.start),
            end: share(history.end),
          },
        }
      : {}),
    rank: share(job.rank),
  }
}
