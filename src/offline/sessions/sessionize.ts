/**
 * @module
 * Engagement events → sessions: per user, sorted by time, split where the user was inactive for
 * longer than the gap. Sessions feed Pin2Vec and session co-occurrence.
 */

export type EventColumns = {
  user: Int32Array
  pin: Int32Array
  action: Int32Array
  time: Float64Array
}

export type SessionOptions = {
  /** Inactivity that ends a session, in ms (default 30 min). */
  gapMs: number
  /** Weight of each action code; actions weighted 0 are left out of sessions. */
  actionWeight: Float64Array
}

export type Sessions = {
  /** Session s = pins[offsets[s] .. offsets[s + 1]), in engagement order. */
  offsets: Int32Array
  pins: Int32Array
  actions: Int32Array
  times: Float64Array
  user: Int32Array
}

export type SessionStats = {
  sessions: number
  events: number
  excludedByAction: number
  singletonSessions: number
}

/**
 * Split events into sessions. Input need not be sorted; ties in time go by pin, then action (both
 * numbered in id order by ingest), so sessions do not depend on row order and match
 * sql/session-cooc.sql. Events equal in all four fields are interchangeable.
 */
export function sessionize(
  events: EventColumns,
  options: SessionOptions
): { sessions: Sessions; stats: SessionStats } {
  const n = events.pin.length
  const order = new Int32Array(n)
  let kept = 0
  for (let i = 0; i < n; i++) {
    if ((options.actionWeight[events.action[i]!] ?? 0) > 0) {
      order[kept++] = i
    }
  }
  const idx = Array.from(order.subarray(0, kept))
  idx.sort(
    (a, b) =>
      events.user[a]! - events.user[b]! ||
      events.time[a]! - events.time[b]! ||
      events.pin[a]! - events.pin[b]! ||
      events.action[a]! - events.action[b]! ||
      a - b
  )
  const offsets: number[] = [0]
  const pins = new Int32Array(kept)
  const actions = new Int32Array(kept)
  const times = new Float64Array(kept)
  const users: number[] = []
  let singletons = 0
  for (let k = 0; k < kept; k++) {
    const e = idx[k]!
    if (k > 0) {
      const prev = idx[k - 1]!
      if (
        events.user[prev] !== events.user[e] ||
        events.time[e]! - events.time[prev]! > options.gapMs
      ) {
        if (k - offsets[offsets.length - 1]! === 1) {
          singletons++
        }
        offsets.push(k)
      }
    }
    if (offsets.length > users.length) {
      users.push(events.user[e]!)
    }
    pins[k] = events.pin[e]!
    actions[k] = events.action[e]!
    times[k] = events.time[e]!
  }
  if (kept > 0) {
    if (kept - offsets[offsets.length - 1]! === 1) {
      singletons++
    }
    offsets.push(kept)
  }
  const sessionCount = offsets.length - 1
  return {
    sessions: {
      offsets: Int32Array.from(offsets),
      pins,
      actions,
      times,
      user: Int32Array.from(users),
    },
    stats: {
      sessions: sessionCount,
      events: kept,
      excludedByAction: n - kept,
      singletonSessions: singletons,
    },
  }
}

/**
 * Pin2Vec's corpus: each session's pins with immediate repeats collapsed (a close-up then a save of
 * the same pin is one step, not a training pair of a pin with itself). Sessions of one pin carry
 * no pairs and are left out. `endingAfter` keeps only the sessions whose last engagement is later
 * (continuing a model trained on the earlier ones).
 */
export function sessionCorpus(
  sessions: Sessions,
  { endingAfter = Number.NEGATIVE_INFINITY }: { endingAfter?: number } = {}
): { tokens: Int32Array; offsets: Int32Array } {
  const tokens = new Int32Array(sessions.pins.length)
  const offsets: number[] = [0]
  let out = 0
  for (let s = 0; s + 1 < sessions.offsets.length; s++) {
    if (sessions.times[sessions.offsets[s + 1]! - 1]! <= endingAfter) {
      continue
    }
    const start = out
    for (let k = sessions.offsets[s]!; k < sessions.offsets[s + 1]!; k++) {
      const pin = sessions.pins[k]!
      if (out === start || tokens[out - 1] !== pin) {
        tokens[out++] = pin
      }
    }
    if (out - start < 2) {
      out = start
    } else {
      offsets.push(out)
    }
  }
  return { tokens: tokens.slice(0, out), offsets: Int32Array.from(offsets) }
}
