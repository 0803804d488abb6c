/**
 * @module
 * Fits the session model (src/core/session-model.ts) on the session task of the validation slice:
 * the recency weights by grid search on HR@20, then a logistic model over the session features on
 * the first 70% of the queries, kept only if it beats the multi-seed score on the last 30%, which
 * neither saw. Nothing here sees the test slice.
 */

import type { BlendParams, LinearModel, PinRecord } from '../core/artifact'
import { createRandom } from '../core/random'
import {
  DEFAULT_SESSION,
  readableContext,
  SESSION_FEATURE_COUNT,
  SESSION_FEATURE_NAMES,
  type SessionParams,
  sessionCandidates,
} from '../core/session-model'
import type { ArtifactLookup } from '../offline/blend/rankers'
import type { Vocab } from '../offline/vocab'
import type { QueryRanker } from './peers/peer'
import { servedAnswer } from './score-task'
import { ServedRankers } from './served-rankers'
import { queryOf, type SessionQueries } from './session-task'

export type SessionFitReport = {
  queries: number
  grid: { recencyDecay: number; contextWeight: number; hr20: number }[]
  model: { rows: number; checkHr20: number; ruleCheckHr20: number; kept: boolean } | null
}

const RECENCY = [0.5, 0.7, 0.9]
const CONTEXT_WEIGHT = [0.3, 0.5, 0.7, 1]

function hr20(
  ranker: QueryRanker,
  queries: SessionQueries,
  from: number,
  to: number,
  popular: Int32Array
): number {
  let hits = 0
  for (let i = from; i < to; i++) {
    const { query, skip } = queryOf(queries, i, 'session')
    const { list } = servedAnswer(ranker(query, 20, skip), skip, popular, 20)
    hits += list.includes(queries.target[i]!) ? 1 : 0
  }
  return to > from ? hits / (to - from) : 0
}

/** Plain full-batch gradient descent on standardised features (12 of them: no tensors needed). */
function fitLogistic(
  x: Float32Array,
  y: Uint8Array,
  rows: number,
  steps = 300,
  rate = 0.5,
  l2 = 1e-4
): LinearModel {
  const F = SESSION_FEATURE_COUNT
  const mean = new Array<number>(F).fill(0)
  const scale = new Array<number>(F).fill(0)
  for (let i = 0; i < rows; i++) {
    for (let f = 0; f < F; f++) {
      mean[f]! += x[i * F + f]! / rows
    }
  }
  for (let i = 0; i < rows; i++) {
    for (let f = 0; f < F; f++) {
      scale[f]! += (x[i * F + f]! - mean[f]!) ** 2 / rows
    }
  }
  for (let f = 0; f < F; f++) {
    scale[f] = Math.sqrt(scale[f]!) || 1
  }
  const z = new Float64Array(rows * F)
  for (let i = 0; i < rows; i++) {
    for (let f = 0; f < F; f++) {
      z[i * F + f] = (x[i * F + f]! - mean[f]!) / scale[f]!
    }
  }
  const w = new Float64Array(F)
  let b = 0
  const grad = new Float64Array(F)
  for (let step = 0; step < steps; step++) {
    grad.fill(0)
    let gb = 0
    for (let i = 0; i < rows; i++) {
      let t = b
      for (let f = 0; f < F; f++) {
        t += w[f]! * z[i * F + f]!
      }
      const err = 1 / (1 + Math.exp(-t)) - y[i]!
      gb += err
      for (let f = 0; f < F; f++) {
        grad[f]! += err * z[i * F + f]!
      }
    }
    for (let f = 0; f < F; f++) {
      w[f]! -= rate * (grad[f]! / rows + 2 * l2 * w[f]!)
    }
    b -= (rate * gb) / rows
  }
  return {
    kind: 'logistic',
    features: [...SESSION_FEATURE_NAMES],
    weights: Array.from(w),
    bias: b,
    mean,
    scale,
  }
}

export function fitSession(
  lookup: ArtifactLookup,
  pins: Vocab,
  queries: SessionQueries,
  blend: BlendParams,
  options: { seed: number }
): { session: SessionParams; report: SessionFitReport } {
  const served = new ServedRankers(lookup, pins)
  const popular = served.popularPins()
  const n = queries.query.length
  const cut = Math.floor(n * 0.7)
  const grid: SessionFitReport['grid'] = []
  let best = { ...DEFAULT_SESSION }
  let bestHr = -1
  for (const recencyDecay of RECENCY) {
    for (const contextWeight of CONTEXT_WEIGHT) {
      const params: SessionParams = { ...DEFAULT_SESSION, recencyDecay, contextWeight }
      const hr = hr20(served.served({ ...blend, session: params }), queries, 0, cut, popular)
      grid.push({ recencyDecay, contextWeight, hr20: hr })
      if (hr > bestHr) {
        bestHr = hr
        best = params
      }
    }
  }
  // Logistic model on the first 70%: the target and up to 10 sampled other candidates per query.
  const random = createRandom(options.seed)
  const rows: number[][] = []
  const labels: number[] = []
  const { shardCount } = lookup.artifacts.manifest
  for (let i = 0; i < cut; i++) {
    const { query, skip } = queryOf(queries, i, 'session')
    const record = lookup.record(query.pin)
    const contextIds = Array.from(query.context, (p) => pins.ids[p]!)
    const readable = new Set(readableContext([pins.ids[query.pin]!], contextIds, shardCount))
    const context = contextIds
      .filter((c) => readable.has(c))
      .map((c) => lookup.record(pins.get(c)!))
      .filter((r): r is PinRecord => r !== null)
    if (!record || context.length === 0) {
      continue
    }
    const skipIds = new Set(Array.from(skip, (p) => pins.ids[p]!))
    const candidates = sessionCandidates([record], context, blend, best, { skip: skipIds })
    const targetId = pins.ids[queries.target[i]!]!
    const t = candidates.findIndex((c) => c.pin.id === targetId)
    if (t < 0) {
      continue
    }
    rows.push(Array.from(candidates[t]!.features))
    labels.push(1)
    const others = candidates.map((_, j) => j).filter((j) => j !== t)
    for (let m = 0; m < Math.min(10, others.length); m++) {
      const j = m + random.int(others.length - m)
      ;[others[m], others[j]] = [others[j]!, others[m]!]
      rows.push(Array.from(candidates[others[m]!]!.features))
      labels.push(0)
    }
  }
  if (labels.filter((l) => l === 1).length < 20) {
    return {
      session: { ...best, origin: 'validation grid' },
      report: { queries: n, grid, model: null },
    }
  }
  const x = new Float32Array(rows.length * SESSION_FEATURE_COUNT)
  for (const [i, r] of rows.entries()) {
    x.set(r, i * SESSION_FEATURE_COUNT)
  }
  const model = fitLogistic(x, Uint8Array.from(labels), rows.length)
  const withModel: SessionParams = { ...best, model }
  const checkHr20 = hr20(served.served({ ...blend, session: withModel }), queries, cut, n, popular)
  const ruleCheckHr20 = hr20(served.served({ ...blend, session: best }), queries, cut, n, popular)
  const kept = checkHr20 > ruleCheckHr20
  return {
    session: { ...(kept ? withModel : best), origin: 'fitted on the validation session task' },
    report: { queries: n, grid, model: { rows: rows.length, checkHr20, ruleCheckHr20, kept } },
  }
}
