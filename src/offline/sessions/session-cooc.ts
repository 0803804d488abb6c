/**
 * @module
 * Session co-occurrence: pins engaged in the same sessions, counted directly. Two scorings:
 *
 * - `damped` (default): every pair of engagements (i at position p, j at q, p ≠ q,
 *   |p − q| ≤ maxDistance) in a session of n engagements adds to c(i, j)
 *     w(i) · w(j) · decay^(|p − q| − 1) / log2(1 + n) · (q < p ? backward : 1),
 *   where w is the action weight (save > click > closeup by default). With d(i) =
 *   Σ_sessions Σ_{engagements of i} w / log2(1 + n), the score of j in i's list is
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
  /** Weight of each action code. */
  actionWeight: Float64Array
}

/** Positions of every pin across sessions: pin → list of (session, position) occurrences. */
function occurrences(
  sessions: Sessions,
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
  lengthWeight: Float64Array
  /** Mass of each pin: damped → Σ w / log2(1 + n); jaccard → number of distinct sessions. */
  mass: Float64Array
  scoring: SessionScoring
  longestSession: number
}

export function prepareSessionCooc(
  sessions: Sessions,
  pinCount: number,
  scoring: SessionScoring,
  actionWeight: Float64Array
): SessionCoocPrepared {
  const occ = occurrences(sessions, pinCount)
  const sessionCount = sessions.offsets.length - 1
  const lengthWeight = new Float64Array(sessionCount)
  let longestSession = 0
  for (let s = 0; s < sessionCount; s++) {
    const n = sessions.offsets[s + 1]! - sessions.offsets[s]!
    lengthWeight[s] = 1 / Math.log2(1 + n)
    longestSession = Math.max(longestSession, n)
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
  return { occ, lengthWeight, mass, scoring, longestSession }
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
  prepared: SessionCoocPrepared = prepareSessionCooc(
    sessions,
    pinCount,
    options.scoring,
    options.actionWeight
  )
): { lists: NeighbourLists; pairUpdates: number } {
  const { occ, lengthWeight, mass } = prepared
  const lists = createNeighbourLists(pinCount, options.topN)
  const acc = new Float64Array(pinCount)
  const touched = new Int32Array(pinCount)
  const heap = new TopK(options.topN)
  const weightAt = (k: number): number => options.actionWeight[sessions.actions[k]!] ?? 0
  // decay^(d - 1) for every distance d a pair can have: one lookup instead of a pow per pair.
  const decayAt = Float64Array.from(
    { length: Math.min(options.maxDistance, prepared.longestSession) + 1 },
    (_, d) => options.decay ** (d - 1)
  )

  // The denominators' two factors, d(i)^(1 − β) for the list's own pin and d(j)^β for candidates.
  const ownNorm = Float64Array.from(mass, (m) => m ** (1 - options.popularityExponent))
  const candidateNorm = Float64Array.from(mass, (m) => m ** options.popularityExponent)

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
      const p = occ.position[o]!
      const start = sessions.offsets[s]!
      const end = sessions.offsets[s + 1]!
      if (options.scoring === 'jaccard') {
        if (s === previousSession) {
          continue
        }
        previousSession = s
        stamp++
        for (let k = start; k < end; k++) {
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
        continue
      }
      const wi = weightAt(p) * lengthWeight[s]!
      const from = Math.max(start, p - options.maxDistance)
      const to = Math.min(end, p + options.maxDistance + 1)
      for (let k = from; k < to; k++) {
        const j = sessions.pins[k]!
        if (j === i) {
          continue
        }
        if (acc[j] === 0) {
          touched[touchedCount++] = j
        }
        const direction = k < p ? options.backward : 1
        acc[j]! += wi * weightAt(k) * decayAt[Math.abs(k - p)]! * direction
        pairUpdates++
      }
    }
    for (let t = 0; t < touchedCount; t++) {
      const j = touched[t]!
      const c = acc[j]!
      const score =
        options.scoring === 'jaccard'
          ? c / (mass[i]! + mass[j]! - c)
          : Math.min(1, c / (ownNorm[i]! * candidateNorm[j]!))
      heap.push(j, rankScore(score))
      acc[j] = 0
    }
    heap.drainInto(lists, i)
  }
  return { lists, pairUpdates }
}
