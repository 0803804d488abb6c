/**
 * @module
 * The training sessions every peer learns from, indexed once: each session's pins in engagement
 * order (immediate repeats collapsed, as the build's corpus does), its last event time, and for
 * every pin the sessions holding it, most recent first.
 */

import type { Sessions } from '../../offline/sessions/sessionize'

export type TrainingSessions = {
  /** Session s = pins[offsets[s] .. offsets[s + 1]). */
  offsets: Int32Array
  pins: Int32Array
  /** Time of each session's last event (ms). */
  time: Float64Array
  /** Distinct pins of each session: distinct[distinctOffsets[s] .. distinctOffsets[s + 1]). */
  distinctOffsets: Int32Array
  distinct: Int32Array
  /** Sessions of pin p = sessionsOfPin[pinOffsets[p] .. pinOffsets[p + 1]), most recent first. */
  pinOffsets: Int32Array
  sessionsOfPin: Int32Array
}

/** Index `sessions` over a vocabulary of `pinCount` pins; sessions of one distinct pin are dropped. */
export function indexSessions(sessions: Sessions, pinCount: number): TrainingSessions {
  const offsets: number[] = [0]
  const pins: number[] = []
  const time: number[] = []
  const distinctOffsets: number[] = [0]
  const distinct: number[] = []
  const seen = new Set<number>()
  for (let s = 0; s + 1 < sessions.offsets.length; s++) {
    const from = sessions.offsets[s]!
    const to = sessions.offsets[s + 1]!
    seen.clear()
    for (let k = from; k < to; k++) {
      seen.add(sessions.pins[k]!)
    }
    if (seen.size < 2) {
      continue
    }
    for (let k = from; k < to; k++) {
      const p = sessions.pins[k]!
      if (pins.length === offsets[offsets.length - 1]! || pins[pins.length - 1] !== p) {
        pins.push(p)
      }
    }
    offsets.push(pins.length)
    time.push(sessions.times[to - 1]!)
    distinct.push(...seen)
    distinctOffsets.push(distinct.length)
  }
  const sessionCount = offsets.length - 1
  // Sessions in order of time, most recent first, so each pin's list comes out sorted.
  const order = Array.from({ length: sessionCount }, (_, s) => s).sort(
    (a, b) => time[b]! - time[a]! || b - a
  )
  const counts = new Int32Array(pinCount + 1)
  for (const p of distinct) {
    counts[p + 1]!++
  }
  for (let p = 0; p < pinCount; p++) {
    counts[p + 1]! += counts[p]!
  }
  const pinOffsets = Int32Array.from(counts)
  const fill = Int32Array.from(counts.subarray(0, pinCount))
  const sessionsOfPin = new Int32Array(distinct.length)
  for (const s of order) {
    for (let k = distinctOffsets[s]!; k < distinctOffsets[s + 1]!; k++) {
      sessionsOfPin[fill[distinct[k]!]!++] = s
    }
  }
  return {
    offsets: Int32Array.from(offsets),
    pins: Int32Array.from(pins),
    time: Float64Array.from(time),
    distinctOffsets: Int32Array.from(distinctOffsets),
    distinct: Int32Array.from(distinct),
    pinOffsets,
    sessionsOfPin,
  }
}

/** Sessions holding pin `p`, most recent first. */
export function sessionsOf(t: TrainingSessions, p: number): Int32Array {
  if (p < 0 || p + 1 >= t.pinOffsets.length) {
    return new Int32Array(0)
  }
  return t.sessionsOfPin.subarray(t.pinOffsets[p]!, t.pinOffsets[p + 1]!)
}

export const sessionPins = (t: TrainingSessions, s: number): Int32Array =>
  t.pins.subarray(t.offsets[s]!, t.offsets[s + 1]!)

export const distinctPins = (t: TrainingSessions, s: number): Int32Array =>
  t.distinct.subarray(t.distinctOffsets[s]!, t.distinctOffsets[s + 1]!)

/** Number of training sessions holding pin `p` (its support). */
export const support = (t: TrainingSessions, p: number): number =>
  p < 0 || p + 1 >= t.pinOffsets.length ? 0 : t.pinOffsets[p + 1]! - t.pinOffsets[p]!
