/**
 * @module
 * Fits the blend on a validation slice: per-bucket source weights (grid search) and the learned
 * model (a linear model, fit-model.ts), both on the first 70% of the slice. With `--blend-loss
 * auto` the model is fitted with both objectives (listwise and pointwise) and the one that ranks
 * the last 30% better is the candidate; it is kept only if it also beats the weights there. Nothing
 * is fitted on that 30%. The weights shipped are then re-tuned on
 * the whole slice (a cheap grid search). Used by `eval` and by `build`'s own hold-out.
 */

import type { BlendParams } from '../../core/artifact'
import type { Logger } from '../log'
import { prepareFitData, recallAt20, sliceFitData } from './fit-data'
import {
  DEFAULT_FIT_OPTIONS,
  type FitReport,
  fitListwiseOnRows,
  fitModelOnRows,
  gatherFitData,
  listwiseQueries,
} from './fit-model'
import { DEFAULT_LISTWISE_OPTIONS, listwiseEpochs } from './listwise'
import { type BlendLoss, bestFit, type FittedLoss, lossesOf } from './options'
import type { ArtifactLookup } from './rankers'
import type { Queries } from './task'
import { type TuneResult, tuneBlend } from './tune'

export type BlendFitReport = {
  validationQueries: number
  weighted: TuneResult['hits']
  model:
    | (FitReport & {
        /** The objective of the model below (`--blend-loss`; with auto, the better on the check part). */
        loss: FittedLoss
        /** Check recall@20 of each objective fitted. */
        lossCheckRecall20: Partial<Record<FittedLoss, number>>
        checkRecall20: number
        weightedCheckRecall20: number
        singleCheckRecall20: Record<string, number>
        kept: boolean
      })
    | null
}

export async function fitBlend(
  lookup: ArtifactLookup,
  queries: Queries,
  thresholds: BlendParams['buckets'],
  base: BlendParams,
  options: { step: number; origin: string; seed: number; loss: BlendLoss; log?: Logger }
): Promise<{ blend: BlendParams; report: BlendFitReport }> {
  // Every query's candidates decoded once; the searches and checks below only read them.
  const data = prepareFitData(lookup, queries, { log: options.log })
  const sources = lookup.artifacts.manifest.sources
  const tuned = tuneBlend(data, sources, thresholds, base, options)
  const weighted: BlendParams = { ...tuned.blend, model: null }
  // Time-ordered queries: fit both on the first 70%, check both on the last 30%.
  const cut = Math.floor(queries.query.length * 0.7)
  const fitPart = sliceFitData(data, 0, cut)
  const checkPart = sliceFitData(data, cut, queries.query.length)
  const weightedOnFitPart: BlendParams = {
    ...tuneBlend(fitPart, sources, thresholds, base, options).blend,
    model: null,
  }
  const fitOptions = { ...DEFAULT_FIT_OPTIONS, seed: options.seed }
  // Both objectives read the same pointwise rows (the listwise fit standardises and calibrates
  // on them): gathered once.
  const rows = gatherFitData(fitPart, fitOptions)
  const lists = listwiseQueries(fitPart)
  // 'auto' fits both objectives and keeps the one that ranks the check part better.
  const fits = lossesOf(options.loss).flatMap((loss) => {
    const listwise = loss === 'listwise'
    const steps = options.log?.counter('blend', `learned model (${loss})`, {
      total: listwise ? listwiseEpochs(lists.length, DEFAULT_LISTWISE_OPTIONS) : fitOptions.steps,
      unit: listwise ? 'epochs' : 'steps',
    })
    const onStep = (done: number) => steps?.set(done)
    const fitted = listwise
      ? fitListwiseOnRows(rows, lists, fitOptions, DEFAULT_LISTWISE_OPTIONS, onStep)
      : fitModelOnRows(rows, fitOptions, onStep)
    steps?.end(`${(fitted?.report.queries ?? 0).toLocaleString('en')} queries`)
    if (!fitted) {
      return []
    }
    const checkRecall20 = recallAt20(checkPart, { blend: { ...weighted, model: fitted.model } })
    return [{ loss, fitted, checkRecall20 }]
  })
  if (fits.length === 0) {
    return {
      blend: weighted,
      report: { validationQueries: queries.query.length, weighted: tuned.hits, model: null },
    }
  }
  const best = bestFit(fits, (f) => f.checkRecall20)
  const { fitted, checkRecall20 } = best
  const withModel: BlendParams = { ...weighted, model: fitted.model }
  const weightedCheckRecall20 = recallAt20(checkPart, { blend: weightedOnFitPart })
  const singleCheckRecall20 = Object.fromEntries(
    sources.map((source) => [source, recallAt20(checkPart, { only: source })])
  )
  const kept = checkRecall20 > weightedCheckRecall20
  return {
    blend: kept ? withModel : weighted,
    report: {
      validationQueries: queries.query.length,
      weighted: tuned.hits,
      model: {
        ...fitted.report,
        loss: best.loss,
        lossCheckRecall20: Object.fromEntries(fits.map((f) => [f.loss, f.checkRecall20])),
        checkRecall20,
        weightedCheckRecall20,
        singleCheckRecall20,
        kept,
      },
    },
  }
}
