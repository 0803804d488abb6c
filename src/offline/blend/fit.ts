/**
 * @module
 * Fits the blend on a validation slice: per-bucket source weights (grid search) and the learned
 * model (logistic regression), both on the first 70% of the slice, then keeps the model only if it
 * beats the weights on the last 30%, which neither saw. The weights shipped are then re-tuned on
 * the whole slice (a cheap grid search). Used by `eval` and by `build`'s own hold-out.
 */

import type { BlendParams } from '../../core/artifact'
import type { Logger } from '../log'
import { DEFAULT_FIT_OPTIONS, type FitReport, fitBlendModel } from './fit-model'
import type { ArtifactLookup, Ranker } from './rankers'
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

/**
 * Share of queries whose target is in the ranker's top 20 (of the 50 it is asked for, as `eval`
 * asks): the same number as eval's recall@20, without its buckets and intervals.
 */
function recallAt20(ranker: Ranker, queries: Queries): number {
  const n = queries.query.length
  let hits = 0
  for (let q = 0; q < n; q++) {
    const top = ranker(queries.query[q]!, 50).subarray(0, 20)
    hits += top.includes(queries.target[q]!) ? 1 : 0
  }
  return n > 0 ? hits / n : 0
}

export async function fitBlend(
  lookup: ArtifactLookup,
  queries: Queries,
  pinIds: string[],
  thresholds: BlendParams['buckets'],
  base: BlendParams,
  options: { step: number; origin: string; seed: number; log?: Logger }
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
  const fitOptions = { ...DEFAULT_FIT_OPTIONS, seed: options.seed }
  const steps = options.log?.counter('blend', 'learned model', {
    total: fitOptions.steps,
    unit: 'steps',
  })
  const fitted = await fitBlendModel(examples, fitOptions, (done) => steps?.set(done))
  steps?.end(`${examples.length.toLocaleString('en')} queries`)
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
  const checkRecall20 = recallAt20(lookup.ranker({ blend: withModel }), checkPart)
  const weightedCheckRecall20 = recallAt20(lookup.ranker({ blend: weightedOnFitPart }), checkPart)
  const singleCheckRecall20 = Object.fromEntries(
    Object.entries(singles).map(([name, ranker]) => [
      name.slice('only:'.length),
      recallAt20(ranker, checkPart),
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
