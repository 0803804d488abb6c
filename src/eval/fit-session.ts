/**
 * @module
 * Fits the session model (src/core/session-model.ts) on the session task of the validation slice:
 * the recency weights by grid search on HR@20, then a linear model over the session features on
 * the first 70% of the queries (with the blend's objective, `--blend-loss`: auto fits both and
 * keeps the better on the last 30%), kept only if it beats the multi-seed score on the last 30%,
 * which no fit saw. Nothing here sees the test slice.
 */

import type { BlendParams, PinRecord } from '../core/artifact'
import { createRandom } from '../core/random'
import {
  DEFAULT_SESSION,
  readableContext,
  SESSION_FEATURE_COUNT,
  SESSION_FEATURE_NAMES,
  type SessionParams,
  sessionCandidates,
} from '../core/session-model'
import {
  DEFAULT_LISTWISE_OPTIONS,
  fitListwiseLinear,
  type ListwiseQuery,
} from '../offline/blend/listwise'
import { type BlendLoss, bestFit, type FittedLoss, lossesOf } from '../offline/blend/options'
import type { ArtifactLookup } from '../offline/blend/rankers'
import type { Vocab } from '../offline/vocab'
import { fitLogistic } from './fit-session-logistic'
import type { QueryRanker } from './peers/peer'
import { servedAnswer } from './score-task'
import { ServedRankers } from './served-rankers'
import { queryOf, type SessionQueries } from './session-task'

export type SessionFitReport = {
  queries: number
  grid: { recencyDecay: number; contextWeight: number; hr20: number }[]
  model: {
    rows: number
    /** The objective of the model checked (`--blend-loss`; with auto, the better on the check part). */
    loss: FittedLoss
    lossCheckHr20: Partial<Record<FittedLoss, number>>
    checkHr20: number
    ruleCheckHr20: number
    kept: boolean
  } | null
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

export function fitSession(
  lookup: ArtifactLookup,
  pins: Vocab,
  queries: SessionQueries,
  blend: BlendParams,
  options: { seed: number; loss: BlendLoss }
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
  // A linear model on the first 70%, fitted with the blend's objective (`--blend-loss`): listwise
  // over each query's candidates, or pointwise on the target and up to 10 sampled others (the
  // pointwise rows also give the listwise fit its standardisation and calibration).
  const random = createRandom(options.seed)
  const rows: number[][] = []
  const labels: number[] = []
  const losses = lossesOf(options.loss)
  // Every candidate's features per query, which only the listwise objective reads.
  const lists: ListwiseQuery[] | null = losses.includes('listwise') ? [] : null
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
    if (lists) {
      const all = new Float32Array(candidates.length * SESSION_FEATURE_COUNT)
      for (const [j, c] of candidates.entries()) {
        all.set(c.features, j * SESSION_FEATURE_COUNT)
      }
      lists.push({ x: all, count: candidates.length, target: t })
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
  const y = Float32Array.from(labels)
  // 'auto' fits both objectives and keeps the one that ranks the check part better.
  const fits = losses.map((loss) => {
    const model =
      loss === 'listwise'
        ? fitListwiseLinear(lists!, { x, y, rows: rows.length }, SESSION_FEATURE_NAMES, {
            ...DEFAULT_LISTWISE_OPTIONS,
            seed: options.seed,
          }).model
        : fitLogistic(x, y, rows.length)
    const params: SessionParams = { ...best, model }
    return {
      loss,
      params,
      checkHr20: hr20(served.served({ ...blend, session: params }), queries, cut, n, popular),
    }
  })
  const chosen = bestFit(fits, (f) => f.checkHr20)
  const { checkHr20 } = chosen
  const ruleCheckHr20 = hr20(served.served({ ...blend, session: best }), queries, cut, n, popular)
  const kept = checkHr20 > ruleCheckHr20
  return {
    session: { ...(kept ? chosen.params : best), origin: 'fitted on the validation session task' },
    report: {
      queries: n,
      grid,
      model: {
        rows: rows.length,
        loss: chosen.loss,
        lossCheckHr20: Object.fromEntries(fits.map((f) => [f.loss, f.checkHr20])),
        checkHr20,
        ruleCheckHr20,
        kept,
      },
    },
  }
}
