/**
 * @module
 * Session co-occurrence: pins engaged in the same sessions, counted directly. Two scorings:
 *
 * - `damped` (default): every pair of engagements (a at position p, b at q, p ≠ q, |p − q| ≤ maxDistance)
 *   in a session of n engagements adds  w(a) · w(b) · decay^(|p − q| − 1) / log2(1 + n),
 *   where w is the action weight (save > click > closeup by default). With c(i, j) the sum over
 *   all sessions and d(i) = Σ_sessions Σ_{engagements of i} w / log2(1 + n), the score is
 *   min(1, c(i, j) / sqrt(d(i) · d(j))): near pairs count more, long sessions less, and popular
 *   pins are damped by their own mass.
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
 * Each pin's list is computed on its own row, so `rows` (1 = compute; default all) restricts the
 * work to the pins whose lists are read, e.g. the blend fit's query pins; other rows stay empty.
 */
export function sessionCooccurrence(
  sessions: Sessions,
  pinCount: number,
  options: SessionCoocOptions,
  rows?: Uint8Array
): { lists: NeighbourLists; pairUpdates: number } {
  const occ = occurrences(sessions, pinCount)
  const lists = createNeighbourLists(pinCount, options.topN)
  const acc = new Float64Array(pinCount)
  const touched = new Int32Array(pinCount)
  const heap = new TopK(options.topN)
  const sessionCount = sessions.offsets.length - 1
  const lengthWeight = new Float64Array(sessionCount)
  for (let s = 0; s < sessionCount; s++) {
    lengthWeight[s] = 1 / Math.log2(1 + sessions.offsets[s + 1]! - sessions.offsets[s]!)
  }
  const weightAt = (k: number): number => options.actionWeight[sessions.actions[k]!] ?? 0
  // decay^(d - 1) for every distance d a pair can have: one lookup instead of a pow per pair.
  let longest = 0
  for (let s = 0; s < sessionCount; s++) {
    longest = Math.max(longest, sessions.offsets[s + 1]! - sessions.offsets[s]!)
  }
  const decayAt = Float64Array.from(
    { length: Math.min(options.maxDistance, longest) + 1 },
    (_, d) => options.decay ** (d - 1)
  )

  // Mass of each pin: damped → Σ w / log2(1 + n); jaccard → number of distinct sessions.
  const mass = new Float64Array(pinCount)
  const lastSession = new Int32Array(pinCount).fill(-1)
  for (let i = 0; i < pinCount; i++) {
    for (let o = occ.offsets[i]!; o < occ.offsets[i + 1]!; o++) {
      const s = occ.session[o]!
      if (options.scoring === 'jaccard') {
        if (lastSession[i] !== s) {
          mass[i]!++
          lastSession[i] = s
        }
      } else {
        mass[i]! += weightAt(occ.position[o]!) * lengthWeight[s]!
      }
    }
  }

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
        acc[j]! += wi * weightAt(k) * decayAt[Math.abs(k - p)]!
        pairUpdates++
      }
    }
    for (let t = 0; t < touchedCount; t++) {
      const j = touched[t]!
      const c = acc[j]!
      const score =
        options.scoring === 'jaccard'
          ? c / (mass[i]! + mass[j]! - c)
          : Math.min(1, c / Math.sqrt(mass[i]! * mass[j]!))
      heap.push(j, rankScore(score))
      acc[j] = 0
    }
    heap.drainInto(lists, i)
  }
  return { lists, pairUpdates }
}
