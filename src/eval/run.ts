/**
 * @module
 * `related-pins eval`: temporal split → tune the blend on the validation slice → build on the
 * training data with the same code as `build` → score every source on the held-out sessions
 * through the worker's decoding and blending code.
 */

import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { type BlendParams, BUCKETS, type SourceName } from '../core/artifact'
import { assembleArtifacts } from '../offline/assemble'
import { fitBlendOnHoldout, sampleQueries } from '../offline/blend/holdout'
import { ArtifactLookup, type Ranker } from '../offline/blend/rankers'
import {
  computeSplit,
  eventsBetween,
  type SplitOptions,
  type TrainOn,
  trainingInputs,
} from '../offline/blend/split'
import { nextPinQueries } from '../offline/blend/task'
import { scaleThresholds, tercileThresholds } from '../offline/blend/thresholds'
import { computeSources, type Sources } from '../offline/candidate-sources'
import type { BuildOptions, InputPaths } from '../offline/config'
import { BuildError } from '../offline/errors'
import { type Inputs, loadInputs } from '../offline/inputs'
import type { Logger } from '../offline/log'
import { sessionizeOptions } from '../offline/sessions/options'
import { type Sessions, sessionize } from '../offline/sessions/sessionize'
import { evaluate, pairedDifferenceInterval } from './evaluate'
import { KS } from './metrics'
import { renderReport } from './report-html'
import { renderMarkdown } from './report-markdown'
import { SarBaseline } from './sar'

export type EvalConfig = {
  inputs: InputPaths
  out: string
  /** The build's options; `blend.tuneStep` is the grid step of the validation blend fit. */
  options: BuildOptions
  split: SplitOptions
  /** Fixed bucket thresholds for reporting; default: terciles of the test queries' engagement. */
  bucketThresholds?: BlendParams['buckets']
  bootstrap: number
  /** Cap on evaluated queries (deterministic sample) to bound run time; 0 = all. */
  maxQueries: number
  /** Train on both signals (default) or one alone; test sessions always come from the events. */
  trainOn: TrainOn
}

type Phase = { inputs: Inputs; sources: Sources; boardsAfterCut: number; undatedBoardRows: number }

async function trainPhase(
  inputs: Inputs,
  cut: number,
  config: EvalConfig,
  log: Logger,
  label: string
): Promise<Phase> {
  const slice = trainingInputs(inputs, cut, config.trainOn)
  log.info(`[eval] ${label}: training on data before ${new Date(cut).toISOString()}`)
  const sources = await computeSources(slice.inputs, config.options, log)
  return {
    inputs: slice.inputs,
    sources,
    boardsAfterCut: slice.boardsAfterCut,
    undatedBoardRows: slice.undatedBoardRows,
  }
}

/** metrics.json: everything one evaluation measured, and the config it ran with. */
export type EvalMetrics = Awaited<ReturnType<typeof runEval>>

export async function runEval(config: EvalConfig, log: Logger) {
  const started = performance.now()
  const inputs = await loadInputs(config.inputs, config.options.ingest, log)
  if (!inputs.events) {
    throw new BuildError(
      'eval',
      'evaluation needs --events: the task is predicting the next engaged pin of held-out sessions'
    )
  }
  const split = computeSplit(inputs.events, config.split)
  const sessionOptions = sessionizeOptions(inputs.events.actions.ids, config.options.sessions)
  const ids = inputs.pins.ids

  // 1. Fit the blend on the validation slice, with sources trained before it.
  const validation = await fitBlendOnHoldout(
    inputs,
    split.validationCut,
    split.testCut,
    config.options,
    {
      tuneStep: config.options.blend.tuneStep,
      maxQueries: config.maxQueries,
      trainOn: config.trainOn,
    },
    log
  )
  const tuned = { report: validation.report }

  // 2. Train on everything before the test cut; the blend's bucket thresholds scale with the data.
  const test = await trainPhase(inputs, split.testCut, config, log, 'test phase')
  const blend = scaleThresholds(
    validation.blend,
    validation.trainingEvents,
    test.inputs.events?.time.length ?? 0
  )
  const assemble = config.options.assemble
  const artifacts = await assembleArtifacts(ids, inputs.meta, test.sources, assemble, blend)
  const lookup = new ArtifactLookup(artifacts, inputs.pins)
  const floatLookup = test.sources.pin2vec
    ? new ArtifactLookup(
        await assembleArtifacts(
          ids,
          inputs.meta,
          test.sources,
          { ...assemble, vectorDtype: 'float32' },
          blend
        ),
        inputs.pins
      )
    : null

  // 3. Score every source on the held-out sessions.
  const allQueries = nextPinQueries(
    eventsBetween(inputs.events, split.testCut, split.end + 1),
    sessionOptions
  )
  const queries = sampleQueries(allQueries, config.maxQueries)
  const rankers: Record<string, Ranker> = {}
  for (const source of artifacts.manifest.sources) {
    rankers[source] = lookup.ranker({ only: source })
  }
  // `blend` is exactly what the worker serves (collapse and fallback included).
  rankers.blend = lookup.servedRanker()
  if (blend.model) {
    rankers['blend-weighted'] = lookup.servedRanker({ ...blend, model: null })
  }
  rankers.popular = lookup.popularRanker()
  // The peer baseline always learns from all training sessions, whatever our sources may use.
  const sar = new SarBaseline(
    sessionsOf(
      sessionize(eventsBetween(inputs.events, split.start, split.testCut), sessionOptions).sessions
    )
  )
  rankers.sar = (q, k) => sar.recommend(q, k)
  if (floatLookup) {
    rankers['pin2vec-float32'] = floatLookup.ranker({ only: 'pin2vec' })
    rankers['blend-float32'] = floatLookup.servedRanker()
  }
  const thresholds =
    config.bucketThresholds ??
    tercileThresholds(Array.from(queries.query, (q) => test.sources.engagement[q]!))
  const catalogue = test.sources.engagement.reduce(
    (a, e, i) => a + (e > 0 || test.sources.boardDegree[i]! > 0 ? 1 : 0),
    0
  )
  log.info(
    `[eval] scoring ${Object.keys(rankers).join(', ')} on ${queries.query.length.toLocaleString('en')} test queries`
  )
  const evaluation = evaluate(rankers, queries, test.sources.engagement, thresholds, catalogue, {
    bootstrap: config.bootstrap,
    seed: config.options.seed,
  })

  const single = artifacts.manifest.sources.filter((s): s is SourceName => s in evaluation.results)
  const comparison = compareBlend(evaluation, single, config)
  const metrics = {
    k: [...KS],
    split: {
      start: new Date(split.start).toISOString(),
      validationCut: new Date(split.validationCut).toISOString(),
      testCut: new Date(split.testCut).toISOString(),
      end: new Date(split.end).toISOString(),
      trainingEvents: test.inputs.events?.time.length ?? 0,
      validationQueries: validation.report.validationQueries,
      testQueriesTotal: allQueries.query.length,
      boardRowsAfterCutExcluded: test.boardsAfterCut,
      undatedBoardRowsKept: test.undatedBoardRows,
      leakageWarning:
        test.undatedBoardRows > 0
          ? `${test.undatedBoardRows} board rows have no created_at and were kept in training: they may leak test-time information`
          : null,
    },
    queries: queries.query.length,
    catalogue,
    buckets: thresholds,
    blend: { ...blend, fit: tuned.report },
    sources: evaluation.results,
    comparison,
    quantization: floatLookup
      ? {
          'pin2vec int8 recall@20': evaluation.results.pin2vec!.overall['recall@20'],
          'pin2vec float32 recall@20': evaluation.results['pin2vec-float32']!.overall['recall@20'],
          'blend int8 recall@20': evaluation.results.blend!.overall['recall@20'],
          'blend float32 recall@20': evaluation.results['blend-float32']!.overall['recall@20'],
        }
      : null,
    config: {
      inputs: config.inputs,
      options: config.options,
      split: config.split,
      bootstrap: config.bootstrap,
      maxQueries: config.maxQueries,
      trainOn: config.trainOn,
    },
    seconds: (performance.now() - started) / 1000,
  }
  await mkdir(config.out, { recursive: true })
  await writeFile(join(config.out, 'metrics.json'), `${JSON.stringify(metrics, null, 2)}\n`)
  await writeFile(join(config.out, 'blend.json'), `${JSON.stringify(blend, null, 2)}\n`)
  await writeFile(join(config.out, 'report.html'), renderReport(metrics))
  await writeFile(join(config.out, 'metrics.md'), renderMarkdown(metrics))
  log.info(
    `[eval] wrote ${join(config.out, 'metrics.json')}, metrics.md, blend.json and report.html`
  )
  return metrics
}

function* sessionsOf(s: Sessions): Generator<Int32Array> {
  for (let i = 0; i + 1 < s.offsets.length; i++) {
    yield s.pins.subarray(s.offsets[i]!, s.offsets[i + 1]!)
  }
}

export type BlendComparison = {
  bestSingle: SourceName
  bestSingleRecall20: number
  blendRecall20: number
  ratio: number | null
  difference95: ReturnType<typeof pairedDifferenceInterval>
  blendOverSar: number | null
}

/** Blend against the best single source, overall and per bucket, with paired bootstrap intervals. */
function compareBlend(
  evaluation: ReturnType<typeof evaluate>,
  single: SourceName[],
  config: EvalConfig
) {
  const groups = [['overall', -1], ...BUCKETS.map((b, i) => [b, i] as const)] as const
  const out: Record<string, BlendComparison> = {}
  const blendHits = evaluation.hits20.blend!
  for (const [name, index] of groups) {
    const metricsOf = (s: string) =>
      index < 0
        ? evaluation.results[s]!.overall
        : evaluation.results[s]!.buckets[name as (typeof BUCKETS)[number]]
    const best = [...single].sort(
      (a, b) => metricsOf(b)['recall@20'] - metricsOf(a)['recall@20']
    )[0]
    if (!best) {
      continue
    }
    const idx = [...blendHits.keys()].filter(
      (q) => index < 0 || evaluation.bucketOfQuery[q] === index
    )
    const blend = metricsOf('blend')['recall@20']
    const bestValue = metricsOf(best)['recall@20']
    out[name] = {
      bestSingle: best,
      bestSingleRecall20: bestValue,
      blendRecall20: blend,
      ratio: bestValue > 0 ? blend / bestValue : null,
      difference95: pairedDifferenceInterval(blendHits, evaluation.hits20[best]!, idx, {
        bootstrap: config.bootstrap,
        seed: config.options.seed + 1,
      }),
      blendOverSar:
        metricsOf('sar')['recall@20'] > 0 ? blend / metricsOf('sar')['recall@20'] : null,
    }
  }
  return out
}
