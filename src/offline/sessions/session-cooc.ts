/**
 * @module
 * Session co-occurrence: pins engaged in the same sessions, counted directly. Two scorings:
 *
 * - `damped` (default): every pair of engagements (i at position p, j at q, p ≠ q,
 *   |p − q| ≤ maxDistance) in a session of n engagements adds to c(i, j)
 *     w(i) · w(j) · decay^(|p − q| − 1) / log2(1 + n)^γ · (q < p ? backward : 1),
 *   where w is the action weight (save > click > closeup by default) and γ = `lengthDamping`
 *   (1: long sessions count less; 0: every session alike). With d(i) =
 *   Σ_sessions Σ_{engagements of i} w / log2(1 + n)^γ, the score of j in i's list is
 *   min(1, c(i, j) / (d(i)^(1 − β) · d(j)^β)), β = `popularityExponent`: near pairs count more,
 *   long sessions less, pins engaged after i more than pins engaged before it (`backward` < 1:
 *   "what people look at next", as sequential rules have it), and popular candidates are damped
 *   by their own mass (β = 0.5 is the symmetric cosine; smaller β lets popular next pins rank).
 * - `jaccard`: the SAR baseline's formula over session sets, s(i, j) / (n(i) + n(j) − s(i, j)),
 *   with s counting sessions holding both pins and n sessions holding one.
 */

import { csrOffsets, rowCursors } from '../csr'
import { createNeighbourLists, type NeighbourLists, rankScore, TopK } from '../neighbour-lists'
import type { Sessions } from './sessionize'

export type SessionScoring = 'damped' | 'jaccard'

export type SessionCoocOptions = {
  topN: number
  scoring: SessionScoring
  /** Positions further apart than this inside a session do not pair (bounds long sessions). */
  maxDistance: number
  /** Per-step decay of a pair's weight with its distance inside the session. */
  decay: number
  /** Weight of a pair whose candidate came before the pin in the session (1 = undirected). */
  backward: number
  /** β: how strongly a candidate's own mass damps its score (0.5 = symmetric cosine). */
  popularityExponent: number
  /**
   * γ: a session of n engagements weighs 1 / log2(1 + n)^γ. 1 damps long sessions (many pins
   * browsed, each pair less telling); 0 counts every session alike, which wins where a long
   * session is one coherent basket (online-retail's invoices).
   */
  lengthDamping: number
  /** Weight of each action code. */
  actionWeight: Float64Array
}

/** Positions of every pin across sessions: pin → list of (session, position) occurrences. */
function occurrences(
  sessions: Pick<Sessions, 'offsets' | 'pins'>,
  pinCount: number
): { offsets: Int32Array; session: Int32Array; position: Int32Array } {
  const offsets = csrOffsets(sessions.pins, pinCount)
  const cursor = rowCursors(offsets)
  const session = new Int32Array(sessions.pins.length)
  const position = new Int32Array(sessions.pins.length)
  for (let s = 0; s + 1 < sessions.offsets.length; s++) {
    for (let k = sessions.offsets[s]!; k < sessions.offsets[s + 1]!; k++) {
      const at = cursor[sessions.pins[k]!]!++
      session[at] = s
      position[at] = k
    }
  }
  return { offsets, session, position }
}

/**
 * What every scoring of the same sessions shares: where each pin occurs, each session's length
 * weight and each pin's mass. Computed once when several scorings are tried (sessions/tune.ts).
 */
export type SessionCoocPrepared = {
  occ: ReturnType<typeof occurrences>
  /** The γ that `lengthWeight` and `mass` were computed with. */
  lengthDamping: number
  lengthWeight: Float64Array
  /** Mass of each pin: damped → Σ w / log2(1 + n)^γ; jaccard → number of distinct sessions. */
  mass: Float64Array
  scoring: SessionScoring
  longestSession: number
}

export function prepareSessionCooc(
  sessions: Pick<Sessions, 'offsets' | 'pins' | 'actions'>,
  pinCount: number,
  scoring: SessionScoring,
  actionWeight: Float64Array,
  lengthDamping: number
): SessionCoocPrepared {
  const occ = occurrences(sessions, pinCount)
  let longestSession = 0
  for (let s = 0; s + 1 < sessions.offsets.length; s++) {
    longestSession = Math.max(longestSession, sessions.offsets[s + 1]! - sessions.offsets[s]!)
  }
  return {
    occ,
    scoring,
    longestSession,
    ...lengthWeights(occ, sessions, scoring, actionWeight, lengthDamping),
  }
}

/**
 * `prepared` with its session weights and pin masses computed for γ = `lengthDamping`; the
 * occurrence index, the costly part, is shared (the tuner tries every γ on one index).
 */
export function withLengthDamping(
  prepared: SessionCoocPrepared,
  sessions: Pick<Sessions, 'offsets' | 'actions'>,
  actionWeight: Float64Array,
  lengthDamping: number
): SessionCoocPrepared {
  if (prepared.lengthDamping === lengthDamping) {
    return prepared
  }
  const { occ, scoring } = prepared
  return { ...prepared, ...lengthWeights(occ, sessions, scoring, actionWeight, lengthDamping) }
}

/** Each session's weight 1 / log2(1 + n)^γ and each pin's mass under it. */
function lengthWeights(
  occ: SessionCoocPrepared['occ'],
  sessions: Pick<Sessions, 'offsets' | 'actions'>,
  scoring: SessionScoring,
  actionWeight: Float64Array,
  lengthDamping: number
): Pick<SessionCoocPrepared, 'lengthDamping' | 'lengthWeight' | 'mass'> {
  const pinCount = occ.offsets.length - 1
  const sessionCount = sessions.offsets.length - 1
  const lengthWeight = new Float64Array(sessionCount)
  for (let s = 0; s < sessionCount; s++) {
    const n = sessions.offsets[s + 1]! - sessions.offsets[s]!
    lengthWeight[s] = 1 / Math.log2(1 + n) ** lengthDamping
  }
  const mass = new Float64Array(pinCount)
  const lastSession = new Int32Array(pinCount).fill(-1)
  for (let i = 0; i < pinCount; i++) {
    for (let o = occ.offsets[i]!; o < occ.offsets[i + 1]!; o++) {
      const s = occ.session[o]!
      if (scoring === 'jaccard') {
        if (lastSession[i] !== s) {
          mass[i]!++
          lastSession[i] = s
        }
      } else {
        mass[i]! += (actionWeight[sessions.actions[occ.position[o]!]!] ?? 0) * lengthWeight[s]!
      }
    }
  }
  return { lengthDamping, lengthWeight, mass }
}

/**
 * The damped pair sums of one pin's row at a time, with pairs whose candidate came after the pin
 * (`forward`) and before it (`backward`) summed apart: c(i, j) = forward[j] + b · backward[j] for
 * any backward weight b, so the tuner scores every b from one pass over the sessions.
 */
export class DampedRow {
  readonly forward: Float64Array
  readonly backward: Float64Array
  /** Candidates of the current row: touched[0 .. count). */
  readonly touched: Int32Array
  count = 0
  private readonly touchedBy: Int32Array
  private readonly decayAt: Float64Array

  constructor(
    private readonly sessions: Pick<Sessions, 'offsets' | 'pins' | 'actions'>,
    private readonly prepared: SessionCoocPrepared,
    pinCount: number,
    private readonly options: Pick<SessionCoocOptions, 'maxDistance' | 'decay' | 'actionWeight'>
  ) {
    this.forward = new Float64Array(pinCount)
    this.backward = new Float64Array(pinCount)
    this.touched = new Int32Array(pinCount)
    this.touchedBy = new Int32Array(pinCount).fill(-1)
    // decay^(d - 1) for every distance d a pair can have: one lookup instead of a pow per pair.
    this.decayAt = Float64Array.from(
      { length: Math.min(options.maxDistance, prepared.longestSession) + 1 },
      (_, d) => options.decay ** (d - 1)
    )
  }

  /** Sum row i (the previous row must have been cleared); returns the pair updates made. */
  accumulate(i: number): number {
    const { sessions, options, decayAt, forward, backward, touched, touchedBy } = this
    const { occ, lengthWeight } = this.prepared
    const weights = options.actionWeight
    let updates = 0
    this.count = 0
    for (let o = occ.offsets[i]!; o < occ.offsets[i + 1]!; o++) {
      const s = occ.session[o]!
      const p = occ.position[o]!
      const wi = (weights[sessions.actions[p]!] ?? 0) * lengthWeight[s]!
      const from = Math.max(sessions.offsets[s]!, p - options.maxDistance)
      const to = Math.min(sessions.offsets[s + 1]!, p + options.maxDistance + 1)
      for (let k = from; k < to; k++) {
        const j = sessions.pins[k]!
        if (j === i) {
          continue
        }
        // A pair can add 0 (decay 0): mark touched pins by row, not by a sum > 0.
        if (touchedBy[j] !== i) {
          touchedBy[j] = i
          touched[this.count++] = j
        }
        const add = wi * (weights[sessions.actions[k]!] ?? 0) * decayAt[Math.abs(k - p)]!
        if (k < p) {
          backward[j]! += add
        } else {
          forward[j]! += add
        }
        updates++
      }
    }
    return updates
  }

  /** Zero the current row's sums. */
  clear(): void {
    for (let t = 0; t < this.count; t++) {
      this.forward[this.touched[t]!] = 0
      this.backward[this.touched[t]!] = 0
    }
    this.count = 0
  }
}

/** d(i)^(1 − β) for a list's own pin and d(j)^β for its candidates: the score's denominator. */
export function popularityNorms(
  mass: Float64Array,
  popularityExponent: number
): { own: Float64Array; candidate: Float64Array } {
  return {
    own: Float64Array.from(mass, (m) => m ** (1 - popularityExponent)),
    candidate: Float64Array.from(mass, (m) => m ** popularityExponent),
  }
}

/** min(1, c / norm): the damped score of a pair sum (0 = no evidence, not a candidate). */
export const dampedScore = (c: number, ownNorm: number, candidateNorm: number): number =>
  Math.min(1, c / (ownNorm * candidateNorm))

/**
 * Push the candidates of row i (summed in `row`) into `heap`, scored with backward weight
 * `backward` and the popularity norms of one β: what the served lists and every trial of the
 * tuner's grid rank by. Pairs that only added 0 are no evidence, so not candidates.
 */
export function pushScoredRow(
  row: DampedRow,
  i: number,
  backward: number,
  norms: ReturnType<typeof popularityNorms>,
  heap: TopK
): void {
  const own = norms.own[i]!
  for (let t = 0; t < row.count; t++) {
    const j = row.touched[t]!
    const c = row.forward[j]! + backward * row.backward[j]!
    if (c !== 0) {
      heap.push(j, rankScore(dampedScore(c, own, norms.candidate[j]!)))
    }
  }
}

/**
 * Each pin's list is computed on its own row, so `rows` (1 = compute; default all) restricts the
 * work to the pins whose lists are read, e.g. the blend fit's query pins; other rows stay empty.
 */
export function sessionCooccurrence(
  sessions: Sessions,
  pinCount: number,
  options: SessionCoocOptions,
  rows?: Uint8Array,
  shared?: SessionCoocPrepared
): { lists: NeighbourLists; pairUpdates: number } {
  const prepared = shared
    ? withLengthDamping(shared, sessions, options.actionWeight, options.lengthDamping)
    : prepareSessionCooc(
        sessions,
        pinCount,
        options.scoring,
        options.actionWeight,
        options.lengthDamping
      )
  const lists = createNeighbourLists(pinCount, options.topN)
  const heap = new TopK(options.topN)
  let pairUpdates = 0
  if (options.scoring === 'jaccard') {
    pairUpdates = jaccardRows(sessions, pinCount, prepared, heap, lists, rows)
    return { lists, pairUpdates }
  }
  const row = new DampedRow(sessions, prepared, pinCount, options)
  const norms = popularityNorms(prepared.mass, options.popularityExponent)
  for (let i = 0; i < pinCount; i++) {
    if (rows && rows[i] !== 1) {
      continue
    }
    pairUpdates += row.accumulate(i)
    pushScoredRow(row, i, options.backward, norms, heap)
    row.clear()
    heap.drainInto(lists, i)
  }
  return { lists, pairUpdates }
}

/** SAR's Jaccard over session sets, row by row (see the module header). */
function jaccardRows(
  sessions: Sessions,
  pinCount: number,
  prepared: SessionCoocPrepared,
  heap: TopK,
  lists: NeighbourLists,
  rows?: Uint8Array
): number {
  const { occ, mass } = prepared
  const acc = new Float64Array(pinCount)
  const touched = new Int32Array(pinCount)
  // seen[j] === stamp marks j as already counted for the current (pin, session) visit.
  const seen = new Int32Array(pinCount).fill(-1)
  let stamp = 0
  let pairUpdates = 0
  for (let i = 0; i < pinCount; i++) {
    if (rows && rows[i] !== 1) {
      continue
    }
    let touchedCount = 0
    let previousSession = -1
    for (let o = occ.offsets[i]!; o < occ.offsets[i + 1]!; o++) {
      const s = occ.session[o]!
      if (s === previousSession) {
        continue
      }
      previousSession = s
      stamp++
      for (let k = sessions.offsets[s]!; k < sessions.offsets[s + 1]!; k++) {
        const j = sessions.pins[k]!
        if (j === i || seen[j] === stamp) {
          continue
        }
        seen[j] = stamp
        if (acc[j] === 0) {
          touched[touchedCount++] = j
        }
        acc[j]!++
        pairUpdates++
      }
    }
    for (let t = 0; t < touchedCount; t++) {
      const j = touched[t]!
      const c = acc[j]!
      acc[j] = 0
      heap.push(j, rankScore(c / (mass[i]! + mass[j]! - c)))
    }
    heap.drainInto(lists, i)
  }
  return pairUpdates
}
