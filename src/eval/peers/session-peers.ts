/**
 * @module
 * Session-based nearest-neighbour peers, written from their papers and learned from the training
 * sessions only. Each looks at the whole current session (the query pin and its context):
 * - SKNN (Ludewig & Jannach 2018): the `k` past sessions most similar to the current one (binary
 *   cosine) among the `sample` most recent sessions sharing a pin with it; a pin scores the sum of
 *   the similarities of the neighbours holding it.
 * - V-SKNN (ibid.): the current session as a vector whose weight decays linearly toward its start
 *   (p / L), similarity = dot product; a neighbour's vote is divided by how far back its most
 *   recent shared pin lies in the current session, optionally scaled by the pin's IDF.
 * - STAN (Garg et al., SIGIR 2019): V-SKNN's idea with exponential decays: position in the current
 *   session (λ1), age of the neighbour session (λ2), and distance of the candidate from the shared
 *   pin inside the neighbour session (λ3).
 */

import { add, type QueryRanker, type SessionQuery, topScored } from './peer'
import {
  distinctPins,
  sessionPins,
  sessionsOf,
  support,
  type TrainingSessions,
} from './training-sessions'

/** The current session in time order (oldest first), the query pin last, without repeats. */
function currentSession(q: SessionQuery): number[] {
  const out: number[] = []
  for (let i = q.context.length - 1; i >= 0; i--) {
    const p = q.context[i]!
    if (p !== q.pin && !out.includes(p)) {
      out.push(p)
    }
  }
  out.push(q.pin)
  return out
}

/**
 * The `sample` most recent training sessions that share a pin with `items`: a merge of the pins'
 * session lists, each already most recent first (ties by the larger session index, as they are
 * sorted).
 */
function candidateSessions(t: TrainingSessions, items: number[], sample: number): number[] {
  const lists = items.map((p) => sessionsOf(t, p)).filter((l) => l.length > 0)
  const heads = new Int32Array(lists.length)
  const taken = new Set<number>()
  const out: number[] = []
  while (out.length < sample) {
    let best = -1
    for (let i = 0; i < lists.length; i++) {
      const list = lists[i]!
      while (heads[i]! < list.length && taken.has(list[heads[i]!]!)) {
        heads[i]!++
      }
      if (heads[i]! >= list.length) {
        continue
      }
      if (best < 0) {
        best = i
        continue
      }
      const a = list[heads[i]!]!
      const b = lists[best]![heads[best]!]!
      if (t.time[a]! > t.time[b]! || (t.time[a] === t.time[b] && a > b)) {
        best = i
      }
    }
    if (best < 0) {
      break
    }
    const s = lists[best]![heads[best]!]!
    taken.add(s)
    out.push(s)
  }
  return out
}

/** The `k` highest-similarity sessions (ties by session index). */
function nearest(sims: Map<number, number>, k: number): [number, number][] {
  return [...sims]
    .filter(([, s]) => s > 0)
    .sort((a, b) => b[1] - a[1] || a[0] - b[0])
    .slice(0, k)
}

export type SknnOptions = { k: number; sample: number }
export const SKNN_DEFAULTS: SknnOptions = { k: 100, sample: 500 }

export function sknnPeer(t: TrainingSessions, options: SknnOptions = SKNN_DEFAULTS): QueryRanker {
  return (q, k, skip) => {
    const items = currentSession(q)
    const own = new Set(items)
    const sims = new Map<number, number>()
    for (const s of candidateSessions(t, items, options.sample)) {
      const pins = distinctPins(t, s)
      let shared = 0
      for (const p of pins) {
        shared += own.has(p) ? 1 : 0
      }
      sims.set(s, shared / Math.sqrt(own.size * pins.length))
    }
    const scores = new Map<number, number>()
    for (const [s, sim] of nearest(sims, options.k)) {
      for (const p of distinctPins(t, s)) {
        add(scores, p, sim)
      }
    }
    return topScored(scores, k, skip)
  }
}

export type VsknnOptions = SknnOptions & { idf: number }
export const VSKNN_DEFAULTS: VsknnOptions = { k: 100, sample: 500, idf: 0 }

export function vsknnPeer(
  t: TrainingSessions,
  options: VsknnOptions = VSKNN_DEFAULTS
): QueryRanker {
  const total = t.offsets.length - 1
  return (q, k, skip) => {
    const items = currentSession(q)
    const length = items.length
    // Position 1..L of each pin in the current session (the query pin is L).
    const position = new Map(items.map((p, i) => [p, i + 1]))
    const sims = new Map<number, number>()
    const lastShared = new Map<number, number>()
    for (const s of candidateSessions(t, items, options.sample)) {
      let sim = 0
      let latest = 0
      for (const p of distinctPins(t, s)) {
        const at = position.get(p)
        if (at !== undefined) {
          sim += at / length
          latest = Math.max(latest, at)
        }
      }
      sims.set(s, sim)
      lastShared.set(s, latest)
    }
    const scores = new Map<number, number>()
    for (const [s, sim] of nearest(sims, options.k)) {
      // 1 when the neighbour holds the query pin, 1/2 when its latest shared pin is one back, ...
      const decay = 1 / (length - lastShared.get(s)! + 1)
      for (const p of distinctPins(t, s)) {
        const idf = options.idf > 0 ? 1 + options.idf * Math.log(total / support(t, p)) : 1
        add(scores, p, sim * decay * idf)
      }
    }
    return topScored(scores, k, skip)
  }
}

export type StanOptions = SknnOptions & {
  /** Decay of a pin's weight with its distance from the end of the current session, in positions. */
  lambda1: number
  /** Decay of a neighbour session's weight with its age, in ms (Infinity = off). */
  lambda2: number
  /** Decay of a candidate's weight with its distance from the shared pin in the neighbour. */
  lambda3: number
}
export const STAN_DEFAULTS: StanOptions = {
  k: 100,
  sample: 500,
  lambda1: 2,
  lambda2: Number.POSITIVE_INFINITY,
  lambda3: 2,
}

export function stanPeer(t: TrainingSessions, options: StanOptions = STAN_DEFAULTS): QueryRanker {
  return (q, k, skip) => {
    const items = currentSession(q)
    const length = items.length
    const position = new Map(items.map((p, i) => [p, i + 1]))
    const sims = new Map<number, number>()
    for (const s of candidateSessions(t, items, options.sample)) {
      const pins = distinctPins(t, s)
      let dot = 0
      for (const p of pins) {
        const at = position.get(p)
        if (at !== undefined) {
          dot += Math.exp((at - length) / options.lambda1)
        }
      }
      const age = Math.max(0, q.time - t.time[s]!)
      const recency = Number.isFinite(options.lambda2) ? Math.exp(-age / options.lambda2) : 1
      sims.set(s, (dot / Math.sqrt(length * pins.length)) * recency)
    }
    const scores = new Map<number, number>()
    for (const [s, sim] of nearest(sims, options.k)) {
      const seq = sessionPins(t, s)
      // The most recent pin of the current session that the neighbour holds, and where it sits there.
      let best = 0
      let anchor = -1
      seq.forEach((p, i) => {
        const at = position.get(p) ?? 0
        if (at > best || (at === best && at > 0)) {
          best = at
          anchor = i
        }
      })
      if (anchor < 0) {
        continue
      }
      const weight = new Map<number, number>()
      seq.forEach((p, i) => {
        const w = Math.exp(-Math.abs(i - anchor) / options.lambda3)
        weight.set(p, Math.max(weight.get(p) ?? 0, w))
      })
      for (const [p, w] of weight) {
        add(scores, p, sim * w)
      }
    }
    return topScored(scores, k, skip)
  }
}
