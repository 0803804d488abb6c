/**
 * @module
 * The two evaluation tasks, both on targets new to the session. In every held-out session (the
 * build's sessionization, immediate repeats collapsed), each engaged pin whose next pin was not
 * engaged earlier in that session is a query:
 * - one pin: the current pin alone;
 * - session: the current pin plus up to MAX_CONTEXT earlier pins of the session as context.
 * In both, every pin already seen in the session is excluded from the answer, as a client passing
 * `exclude` (and `context`) to the worker would have it.
 */

import type { EventTable } from '../offline/inputs'
import { sessionize } from '../offline/sessions/sessionize'
import type { SessionQuery } from './peers/peer'

/** The worker's limits: `context` takes up to 10 pins, `exclude` up to 100. */
export const MAX_CONTEXT = 10
export const MAX_HISTORY = MAX_CONTEXT + 100

export type SessionQueries = {
  query: Int32Array
  target: Int32Array
  /** Time of the query pin's event (ms). */
  time: Float64Array
  /** Earlier distinct pins of query q's session, most recent first (at most MAX_HISTORY). */
  historyOffsets: Int32Array
  history: Int32Array
}

export type Task = 'one-pin' | 'session'
export const TASKS: readonly Task[] = ['one-pin', 'session']

export function sessionQueries(
  events: EventTable,
  options: { gapMs: number; actionWeight: Float64Array }
): SessionQueries {
  const { sessions } = sessionize(events, options)
  const query: number[] = []
  const target: number[] = []
  const time: number[] = []
  const historyOffsets: number[] = [0]
  const history: number[] = []
  for (let s = 0; s + 1 < sessions.offsets.length; s++) {
    const pins: number[] = []
    const times: number[] = []
    for (let k = sessions.offsets[s]!; k < sessions.offsets[s + 1]!; k++) {
      if (pins[pins.length - 1] !== sessions.pins[k]) {
        pins.push(sessions.pins[k]!)
        times.push(sessions.times[k]!)
      }
    }
    const seen = new Set<number>()
    for (let t = 0; t + 1 < pins.length; t++) {
      seen.add(pins[t]!)
      const next = pins[t + 1]!
      if (seen.has(next)) {
        continue
      }
      query.push(pins[t]!)
      target.push(next)
      time.push(times[t]!)
      const earlier = new Set<number>()
      for (let j = t - 1; j >= 0 && earlier.size < MAX_HISTORY; j--) {
        if (pins[j] !== pins[t] && !earlier.has(pins[j]!)) {
          earlier.add(pins[j]!)
          history.push(pins[j]!)
        }
      }
      historyOffsets.push(history.length)
    }
  }
  return {
    query: Int32Array.from(query),
    target: Int32Array.from(target),
    time: Float64Array.from(time),
    historyOffsets: Int32Array.from(historyOffsets),
    history: Int32Array.from(history),
  }
}

/** Evenly spaced sample of at most `max` queries (deterministic, keeps time order); 0 = all. */
export function sampleSessionQueries(q: SessionQueries, max: number): SessionQueries {
  const n = q.query.length
  if (max <= 0 || n <= max) {
    return q
  }
  const step = n / max
  const idx = Array.from({ length: max }, (_, i) => Math.floor(i * step))
  const historyOffsets: number[] = [0]
  const history: number[] = []
  for (const i of idx) {
    history.push(...q.history.subarray(q.historyOffsets[i]!, q.historyOffsets[i + 1]!))
    historyOffsets.push(history.length)
  }
  return {
    query: Int32Array.from(idx, (i) => q.query[i]!),
    target: Int32Array.from(idx, (i) => q.target[i]!),
    time: Float64Array.from(idx, (i) => q.time[i]!),
    historyOffsets: Int32Array.from(historyOffsets),
    history: Int32Array.from(history),
  }
}

/** Query `i` as `task` asks it, and the pins its answer may not contain. */
export function queryOf(
  q: SessionQueries,
  i: number,
  task: Task
): { query: SessionQuery; skip: Set<number> } {
  const history = q.history.subarray(q.historyOffsets[i]!, q.historyOffsets[i + 1]!)
  const pin = q.query[i]!
  const skip = new Set<number>(history)
  skip.add(pin)
  return {
    query: {
      pin,
      context: task === 'session' ? history.subarray(0, MAX_CONTEXT) : new Int32Array(0),
      time: q.time[i]!,
    },
    skip,
  }
}
