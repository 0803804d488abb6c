/**
 * @module
 * Fit the blend on a held-out slice of the events: train every source on what happened before
 * `trainCut`, then fit weights and the learned model on next-pin queries of the sessions in
 * [trainCut, queryEnd). `eval` runs it on its validation slice; `build` on the last share of its
 * own events, so production builds ship tuned weights.
 *
 * The count-based sources (boards, walks, session co-occurrence) are cheap and are computed again
 * on all the data for the served build. Pin2Vec is not: it is the largest cost of a build, and
 * training it again from scratch doubled it. So by default the served model continues the one
 * trained here: more passes over the sessions that end after the cut (`reusableSources`,
 * 'continue'), so Pin2Vec is trained once over every event. Training once on all the events and
 * fitting with that model instead would leak: it would have learned the held-out sessions that the
 * fit scores it on, and the blend would over-weight it. `eval` serves the same way: its test phase
 * continues the validation phase's model.
 */

import { type BlendParams, MAX_KV_VALUE_BYTES } from '../../core/artifact'
import { DEFAULT_BLEND } from '../../core/defaults'
import { assembleArtifacts } from '../assemble'
import { computeSources, type ReusedSources, type Sources } from '../candidate-sources'
import type { BuildOptions } from '../config'
import type { Inputs } from '../inputs'
import type { Logger } from '../log'
import { sessionizeOptions } from '../sessions/options'
import type { SessionScoringTune } from '../sessions/tune'
import { NODE_SHARD_CODECS_UNCOMPRESSED } from '../shard-codecs'
import { type BlendFitReport, fitBlend } from './fit'
import type { HoldoutPin2Vec } from './options'
import { ArtifactLookup } from './rankers'
import { eventsBetween, type TrainOn, trainingInputs } from './split'
import { nextPinQueries, type Queries } from './task'
import { tercileThresholds } from './thresholds'

export type HoldoutOptions = {
  tuneStep: number
  maxQueries: number
  trainOn?: TrainOn
  /**
   * Search Pin2Vec neighbours and encode records only for the sampled query pins (the fit reads
   * no other pin's record). Only when the fit's lists are not served: the build's 'continue' and
   * 'retrain' modes.
   */
  queryPinsOnly?: boolean
}

export type HoldoutFit = {
  blend: BlendParams
  report: BlendFitReport & {
    trainCut: string
    queryEnd: string
    trainingEvents: number
    thresholds: BlendParams['buckets']
    /** The session co-occurrence scoring chosen on the held-out queries (sessions/tune.ts). */
    sessionScoring?: SessionScoringTune
    /** Where the fit's time went: training the sources, encoding them, tuning and the model. */
    seconds: { sources: number; assemble: number; fit: number }
  }
  trainingEvents: number
  sources: Sources
  inputs: Inputs
  boardsAfterCut: number
  undatedBoardRows: number
}

/** Evenly spaced sample of at most `max` queries (deterministic, keeps time order); 0 = all. */
export function sampleQueries(queries: Queries, max: number): Queries {
  const n = queries.query.length
  if (max <= 0 || n <= max) {
    return queries
  }
  const step = n / max
  const idx = Int32Array.from({ length: max }, (_, i) => Math.floor(i * step))
  const h = queries.history
  return {
    query: idx.map((i) => queries.query[i]!),
    target: idx.map((i) => queries.target[i]!),
    ...(h
      ? {
          history: {
            tokens: h.tokens,
            start: idx.map((i) => h.start[i]!),
            end: idx.map((i) => h.end[i]!),
          },
        }
      : {}),
  }
}

/** The fit's next-pin queries in [trainCut, queryEnd), targets new to the session, sampled. */
function heldOutQueries(
  inputs: Inputs,
  trainCut: number,
  queryEnd: number,
  options: BuildOptions,
  holdout: HoldoutOptions
): Queries {
  const sessionOptions = sessionizeOptions(inputs.events!.actions.ids, options.sessions)
  return sampleQueries(
    // Targets new to the session: the served answer never returns a pin the user already saw.
    nextPinQueries(eventsBetween(inputs.events!, trainCut, queryEnd), {
      ...sessionOptions,
      newOnly: true,
    }),
    holdout.maxQueries
  )
}

export async function fitBlendOnHoldout(
  inputs: Inputs,
  trainCut: number,
  queryEnd: number,
  options: BuildOptions,
  holdout: HoldoutOptions,
  log: Logger
): Promise<HoldoutFit> {
  const slice = trainingInputs(inputs, trainCut, holdout.trainOn)
  log.info(
    `[blend] fitting on sessions after ${new Date(trainCut).toISOString()}, sources trained before it`
  )
  const started = performance.now()
  const queries = heldOutQueries(inputs, trainCut, queryEnd, options, holdout)
  // The fit reads only its query pins' records: compute only their lists when nothing else needs
  // the others (queryPinsOnly).
  const listRows = holdout.queryPinsOnly ? new Uint8Array(inputs.pins.size) : undefined
  for (const q of listRows ? queries.query : []) {
    listRows![q] = 1
  }
  const sources = await computeSources(slice.inputs, options, log, {
    ...(listRows ? { listRows } : {}),
    tuneSessionScoring: queries,
  })
  const sourcesSeconds = (performance.now() - started) / 1000
  const trainingEvents = slice.inputs.events?.time.length ?? 0
  const fitted = await fitBlendOnSources(
    inputs,
    sources,
    trainCut,
    queryEnd,
    options,
    holdout,
    log,
    {
      queries,
      ...(listRows ? { recordsFor: listRows } : {}),
    }
  )
  const scoring = sources.stats.sessionScoring
  return {
    blend: scoring ? { ...fitted.blend, sessionCooc: scoring.chosen } : fitted.blend,
    report: {
      ...fitted.report,
      ...(scoring ? { sessionScoring: scoring } : {}),
      trainingEvents,
      seconds: { sources: sourcesSeconds, ...fitted.report.seconds },
    },
    trainingEvents,
    sources,
    inputs: slice.inputs,
    boardsAfterCut: slice.boardsAfterCut,
    undatedBoardRows: slice.undatedBoardRows,
  }
}

/**
 * The build options that a blend's sources must be computed with: its session co-occurrence
 * scoring, when it was fitted on a tuned one (the blend's model learned from those scores).
 */
export function optionsForBlend(
  options: BuildOptions,
  blend: BlendParams | undefined
): BuildOptions {
  if (!blend?.sessionCooc) {
    return options
  }
  // A blend without lengthDamping was fitted before it was tuned, on lists damped by length.
  return {
    ...options,
    sessionCooc: { ...options.sessionCooc, lengthDamping: 1, ...blend.sessionCooc },
  }
}

/**
 * The fit of fitBlendOnHoldout on sources already trained before `trainCut`. `eval`'s
 * leave-one-source-out ablation calls it with one source removed, so each ablated blend is
 * fitted exactly as the served one.
 */
export async function fitBlendOnSources(
  inputs: Inputs,
  sources: Sources,
  trainCut: number,
  queryEnd: number,
  options: BuildOptions,
  holdout: HoldoutOptions,
  log: Logger,
  given: { queries?: Queries; recordsFor?: Uint8Array } = {}
): Promise<{
  blend: BlendParams
  report: BlendFitReport & {
    trainCut: string
    queryEnd: string
    thresholds: BlendParams['buckets']
    seconds: { assemble: number; fit: number }
  }
}> {
  const started = performance.now()
  const queries = given.queries ?? heldOutQueries(inputs, trainCut, queryEnd, options, holdout)
  // Uncapped: the blend is fitted on every candidate, as it will rank the full union when the
  // final build caps the stored list. Fitting on a list capped by the default blend trains the
  // model on a biased subset (generated world: served precision@10 0.65 instead of ≥ 0.8).
  const artifacts = await assembleArtifacts(
    inputs.pins.ids,
    inputs.meta,
    sources,
    {
      ...options.assemble,
      maxCandidates: Number.MAX_SAFE_INTEGER,
      maxShardBytes: MAX_KV_VALUE_BYTES,
    },
    DEFAULT_BLEND,
    // Read back right here: sealed without deflate, which was most of this step's time.
    {
      ...(given.recordsFor ? { recordsFor: given.recordsFor } : {}),
      codecs: NODE_SHARD_CODECS_UNCOMPRESSED,
    }
  )
  const assembleDone = performance.now()
  const lookup = new ArtifactLookup(artifacts, inputs.pins)
  const thresholds = tercileThresholds(Array.from(queries.query, (q) => sources.engagement[q]!))
  const fitted = await fitBlend(lookup, queries, thresholds, DEFAULT_BLEND, {
    step: holdout.tuneStep,
    origin: `fitted on held-out sessions ${new Date(trainCut).toISOString()} .. ${new Date(queryEnd).toISOString()}`,
    seed: options.seed,
    loss: options.blend.loss,
    log,
  })
  const fitDone = performance.now()
  const model = fitted.report.model
  const byLoss = Object.entries(model?.lossCheckRecall20 ?? {})
    .map(([loss, r]) => `${loss} ${r.toFixed(4)}`)
    .join(', ')
  log.info(
    `[blend] ${queries.query.length.toLocaleString('en')} held-out queries; sources ${artifacts.manifest.sources.join(', ')}; weights ${JSON.stringify(fitted.blend.weights)}; learned model ${
      model
        ? `${model.loss} recall@20 ${model.checkRecall20.toFixed(4)} (${byLoss}) vs weights ${model.weightedCheckRecall20.toFixed(4)}: ${model.kept ? 'kept' : 'not kept'}`
        : 'not fitted (too few queries)'
    }`
  )
  return {
    blend: fitted.blend,
    report: {
      ...fitted.report,
      trainCut: new Date(trainCut).toISOString(),
      queryEnd: new Date(queryEnd).toISOString(),
      thresholds,
      seconds: {
        assemble: (assembleDone - started) / 1000,
        fit: (fitDone - assembleDone) / 1000,
      },
    },
  }
}

/**
 * What a later computeSources on all the data takes from the fit instead of computing again: the
 * Pin2Vec model, to serve as it is with its neighbour lists ('reuse', with the fit's timings), or
 * to train on over the sessions after the cut ('continue'). Nothing for 'retrain'.
 */
export function reusableSources(
  fit: Pick<HoldoutFit, 'sources' | 'report'>,
  mode: HoldoutPin2Vec
): ReusedSources {
  const { pin2vec, timings } = fit.sources
  if (!pin2vec || mode === 'retrain') {
    return {}
  }
  if (mode === 'continue') {
    return {
      pin2vec: {
        source: pin2vec,
        // The first part of the served model's training (its neighbour search is redone).
        timings: 'train' in timings ? { train: timings.train! } : {},
        continueAfter: Date.parse(fit.report.trainCut),
        label: `the model trained before the hold-out cut (${pin2vec.pairs.toLocaleString('en')} pairs)`,
      },
    }
  }
  const own = Object.fromEntries(
    (['train', 'neighbours'] as const).flatMap((k) => (k in timings ? [[k, timings[k]!]] : []))
  )
  return { pin2vec: { source: pin2vec, timings: own } }
}
