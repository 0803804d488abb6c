/**
 * @module
 * Fits the blend on a validation slice: per-bucket source weights (grid search) and the learned
 * model (logistic regression), both on the first 70% of the slice, then keeps the model only if it
 * beats the weights on the last 30%, which neither saw. The weights shipped are then re-tuned on
 * the whole slice (a cheap grid search). Used by `eval` and by `build`'s own hold-out.
 */

import type { BlendParams } from '../core/artifact'
import { DEFAULT_FIT_OPTIONS, type FitReport, fitBlendModel } from '../offline/blend/fit-model'
import { evaluate } from './evaluate'
import type { ArtifactLookup } from './rankers'
import type { Queries } from './task'
import { type TuneResult, tuneBlend } from './tune'

export type BlendFitReport = {
  validationQueries: number
  weighted: TuneResult['hits']
  model:
    | (FitReport & {
        checkRecall20: number
        weightedCheckRecall20: number
        singleCheckRecall20: Record<string, number>
        kept: boolean
      })
    | null
}

const slice = (q: Queries, from: number, to: number): Queries => ({
  query: q.query.subarray(from, to),
  target: q.target.subarray(from, to),
})

export async function fitBlend(
  lookup: ArtifactLookup,
  queries: Queries,
  pinIds: string[],
  engagement: Int32Array,
  thresholds: BlendParams['buckets'],
  base: BlendParams,
  options: { step: number; origin: string; seed: number }
): Promise<{ blend: BlendParams; report: BlendFitReport }> {
  const tuned = tuneBlend(lookup, queries, thresholds, pinIds, base, options)
  const weighted: BlendParams = { ...tuned.blend, model: null }
  // Time-ordered queries: fit both on the first 70%, check both on the last 30%.
  const cut = Math.floor(queries.query.length * 0.7)
  const fitPart = slice(queries, 0, cut)
  const checkPart = slice(queries, cut, queries.query.length)
  const weightedOnFitPart: BlendParams = {
    ...tuneBlend(lookup, fitPart, thresholds, pinIds, base, options).blend,
    model: null,
  }
  const examples = Array.from(fitPart.query, (q, i) => {
    const record = lookup.record(q)
    return record ? { record, targetId: pinIds[fitPart.target[i]!]! } : null
  }).filter((e) => e !== null)
  const fitted = await fitBlendModel(examples, { ...DEFAULT_FIT_OPTIONS, seed: options.seed })
  if (!fitted) {
    return {
      blend: weighted,
      report: { validationQueries: queries.query.length, weighted: tuned.hits, model: null },
    }
  }
  const withModel: BlendParams = { ...weighted, model: fitted.model }
  const singles = Object.fromEntries(
    lookup.artifacts.manifest.sources.map((source) => [
      `only:${source}`,
      lookup.ranker({ only: source }),
    ])
  )
  const check = evaluate(
    {
      model: lookup.ranker({ blend: withModel }),
      weighted: lookup.ranker({ blend: weightedOnFitPart }),
      ...singles,
    },
    checkPart,
    engagement,
    thresholds,
    1,
    { bootstrap: 10, seed: options.seed }
  )
  const checkRecall20 = check.results.model!.overall['recall@20']
  const weightedCheckRecall20 = check.results.weighted!.overall['recall@20']
  const singleCheckRecall20 = Object.fromEntries(
    lookup.artifacts.manifest.sources.map((source) => [
      source,
      check.results[`only:${source}`]!.overall['recall@20'],
    ])
  )
  const kept = checkRecall20 > weightedCheckRecall20
  return {
    blend: kept ? withModel : weighted,
    report: {
      validationQueries: queries.query.length,
      weighted: tuned.hits,
      model: { ...fitted.report, checkRecall20, weightedCheckRecall20, singleCheckRecall20, kept },
    },
  }
}
