/**
 * @module
 * The session model behind `context`: related pins for the current pin given the pins the user
 * engaged with just before it. Every context pin is a seed of its own, weighted by recency; each
 * seed's candidates are ranked by the blend (rankRelated) and merged Pixie-style, so a pin reached
 * from several seeds gets a boost; the seeds' stored session co-occurrence scores add
 * session-neighbour votes (V-SKNN's "sessions that held these pins also held..."). A logistic
 * model fitted on the session task ranks the merged candidates when the build has one, else the
 * multi-seed score does. Runtime-neutral: the worker serves it and offline evaluation scores it.
 */

import type { BlendParams, LinearModel, PinEntry, PinRecord } from './artifact/format'
import { type RelatedPin, rankRelated } from './blend'
import { shardOf } from './hash'

/** Session parameters stored in the manifest's blend (`blend.session`). */
export type SessionParams = {
  /** Weight of the context pin r places back (r = 1 the most recent): contextWeight · decay^(r−1). */
  recencyDecay: number
  /** Weight of the most recent context pin relative to the query pin (weight 1). */
  contextWeight: number
  /** Logistic model over SESSION_FEATURE_NAMES; null ranks by the multi-seed score. */
  model: LinearModel | null
  origin: string
}

export const DEFAULT_SESSION: SessionParams = {
  recencyDecay: 0.7,
  contextWeight: 0.7,
  model: null,
  origin: 'default',
}

/**
 * Shard reads one answer may cost for records: the query pin's shard and the shards of the most
 * recent context pins, while they fit. Context pins past the budget still count as seen (never
 * returned) but are not read. The choice depends only on ids and the shard count, never on what
 * an isolate has cached, so the same request always gets the same answer.
 */
export const MAX_RECORD_READS = 6

export const SESSION_FEATURE_NAMES = [
  'query score',
  'from query',
  'multi-seed score',
  'context score sum',
  'context score max',
  'seeds reaching',
  'session votes',
  'cooc votes',
  'pin2vec votes',
  'log1p(candidate engagement)',
  'log1p(query engagement)',
  'context seeds',
] as const
export const SESSION_FEATURE_COUNT = SESSION_FEATURE_NAMES.length

/** The context ids (in the order given, most recent first) whose records fit the read budget. */
export function readableContext(
  seedIds: readonly string[],
  contextIds: readonly string[],
  shardCount: number,
  budget = MAX_RECORD_READS
): string[] {
  const shards = new Set(seedIds.map((id) => shardOf(id, shardCount)))
  const out: string[] = []
  for (const id of contextIds) {
    const shard = shardOf(id, shardCount)
    if (!shards.has(shard)) {
      if (shards.size >= budget) {
        continue
      }
      shards.add(shard)
    }
    out.push(id)
  }
  return out
}

/** One seed's candidates, blend-ranked, scores normalised by the seed's best (so seeds compare). */
export type SeedList = { items: RelatedPin[]; normalised: Float64Array }

export function seedList(record: PinRecord, blend: BlendParams): SeedList {
  const items = rankRelated(record, blend, { k: record.candidates.length })
  const top = items.reduce((m, it) => Math.max(m, it.score), 0)
  return {
    items,
    normalised: Float64Array.from(items, (it) => (top > 0 ? Math.max(0, it.score) / top : 0)),
  }
}

export type SessionCandidate = {
  pin: RelatedPin
  entry: PinEntry | null
  seeds: number
  /** First-seen order: ties keep the query's own ranking. */
  order: number
  features: Float32Array
}

export type SessionOptions = {
  /** Ids never returned. */
  skip: ReadonlySet<string>
  /** Seed lists by pin id, reused across calls (offline evaluation); the worker passes none. */
  memo?: Map<string, SeedList>
}

/**
 * Merge the seeds' candidates and compute every candidate's session features. `seeds` are the
 * query pin(s), weight 1; `context` the readable context records, most recent first.
 */
export function sessionCandidates(
  seeds: readonly PinRecord[],
  context: readonly PinRecord[],
  blend: BlendParams,
  params: SessionParams,
  options: SessionOptions
): SessionCandidate[] {
  const all = [
    ...seeds.map((record) => ({ record, weight: 1, isQuery: true })),
    ...context.map((record, r) => ({
      record,
      weight: params.contextWeight * params.recencyDecay ** r,
      isQuery: false,
    })),
  ]
  const merged = new Map<
    string,
    { c: SessionCandidate; root: number; q: number; sum: number; max: number; votes: number[] }
  >()
  for (const { record, weight, isQuery } of all) {
    let list = options.memo?.get(record.pin.id)
    if (!list) {
      list = seedList(record, blend)
      options.memo?.set(record.pin.id, list)
    }
    const entries = new Map(record.candidates.map((c) => [c.pin.id, c.pin]))
    list.items.forEach((item, i) => {
      if (options.skip.has(item.id)) {
        return
      }
      const n = list.normalised[i]!
      let m = merged.get(item.id)
      if (!m) {
        m = {
          c: {
            pin: { ...item, sources: { ...item.sources } },
            entry: entries.get(item.id) ?? null,
            seeds: 0,
            order: merged.size,
            features: new Float32Array(SESSION_FEATURE_COUNT),
          },
          root: 0,
          q: 0,
          sum: 0,
          max: 0,
          votes: [0, 0, 0],
        }
        merged.set(item.id, m)
      } else {
        for (const [source, score] of Object.entries(item.sources)) {
          const key = source as keyof RelatedPin['sources']
          m.c.pin.sources[key] = Math.max(m.c.pin.sources[key] ?? 0, score)
        }
      }
      m.c.seeds++
      m.root += Math.sqrt(weight * n)
      if (isQuery) {
        m.q = Math.max(m.q, n)
      } else {
        m.sum += weight * n
        m.max = Math.max(m.max, n)
      }
      m.votes[0]! += weight * (item.sources.session ?? 0)
      m.votes[1]! += weight * (item.sources.cooc ?? 0)
      m.votes[2]! += weight * (item.sources.pin2vec ?? 0)
    })
  }
  const queryEngagement = Math.log1p(seeds[0]?.pin.engagement ?? 0)
  const out: SessionCandidate[] = []
  for (const m of merged.values()) {
    const f = m.c.features
    f[0] = m.q
    f[1] = m.q > 0 ? 1 : 0
    f[2] = m.root * m.root
    f[3] = m.sum
    f[4] = m.max
    f[5] = m.c.seeds
    f[6] = m.votes[0]!
    f[7] = m.votes[1]!
    f[8] = m.votes[2]!
    f[9] = Math.log1p(m.c.entry?.engagement ?? 0)
    f[10] = queryEngagement
    f[11] = context.length
    out.push(m.c)
  }
  return out
}

/** Score of each candidate: the session model's probability, or the multi-seed score. */
export function scoreSession(
  candidates: readonly SessionCandidate[],
  params: SessionParams
): Float64Array {
  const out = new Float64Array(candidates.length)
  const model = params.model
  candidates.forEach((c, i) => {
    if (!model) {
      out[i] = c.features[2]!
      return
    }
    let z = model.bias
    for (let f = 0; f < SESSION_FEATURE_COUNT; f++) {
      z += model.weights[f]! * ((c.features[f]! - model.mean[f]!) / model.scale[f]!)
    }
    out[i] = 1 / (1 + Math.exp(-z))
  })
  return out
}
