/**
 * @module
 * `related-pins build`: inputs → sources → artifacts on disk, with a report of every stage.
 */

import type { BlendParams, Manifest } from '../core/artifact'
import { DEFAULT_BLEND } from '../core/defaults'
import { planArtifacts } from './assemble'
import {
  fitBlendOnHoldout,
  type HoldoutFit,
  optionsForBlend,
  reusableSources,
} from './blend/holdout'
import { computeSplit } from './blend/split'
import { scaleThresholds } from './blend/thresholds'
import { computeSources, type Sources } from './candidate-sources'
import type { BuildOptions, InputPaths } from './config'
import { type Inputs, loadInputs, requireInputs } from './inputs'
import { type Logger, peakRssBytes } from './log'
import { memoryBudget } from './memory'
import { type WriteStats, writeBuild, writeCounts, writeReport } from './write'
import { checkWriteMemory } from './write-memory'

export type BuildConfig = {
  inputs: InputPaths
  out: string
  options: BuildOptions
  /** A blend to ship as it is (e.g. eval's blend.json) instead of fitting one. */
  blend?: BlendParams
  /** Also write OUT/candidates/*.parquet (src/offline/candidates). */
  writeCandidates?: boolean
}

export type BuildResult = { manifest: Manifest; dir: string; report: BuildReport; files: string[] }

/** report.json: everything buildReport collects, plus the blend fit on the held-out events. */
export type BuildReport = ReturnType<typeof buildReport> & {
  /** Peak resident memory of the build process after each stage, in bytes. */
  peakRssBytesAfter: Record<string, number>
  blendFit: HoldoutFit['report'] | null
  /** The session co-occurrence options the served lists were computed with (after tuning). */
  sessionCooc: BuildOptions['sessionCooc']
}

function buildReport(
  config: BuildConfig,
  sources: Sources,
  manifest: Manifest,
  stats: WriteStats,
  reports: object,
  timings: Record<string, number>
) {
  return {
    buildId: manifest.buildId,
    createdAt: manifest.createdAt,
    config: { inputs: config.inputs, options: config.options },
    inputs: reports,
    counts: {
      pins: manifest.pinCount,
      shards: manifest.shardCount,
      ...writeCounts(stats, manifest.pinCount),
      pinsWithCooc: countNonEmpty(sources.cooc?.counts),
      pinsWithWalk: countNonEmpty(sources.walk?.counts),
      pinsWithEmbedding: sources.pin2vec ? sources.pin2vec.trained.reduce((a, b) => a + b, 0) : 0,
    },
    boards: sources.stats.boards ?? null,
    sessions: sources.stats.sessions ?? null,
    actions: sources.stats.actions ?? null,
    pin2vec: sources.pin2vec
      ? {
          dims: sources.pin2vec.dims,
          pairs: sources.pin2vec.pairs,
          pairsPerSec: Math.round(sources.pin2vec.pairsPerSec),
          lossPerEpoch: sources.pin2vec.lossPerEpoch,
        }
      : null,
    blend: manifest.blend,
    timingsSeconds: timings,
  }
}

const countNonEmpty = (counts?: Int32Array): number =>
  counts ? counts.reduce((a, c) => a + (c > 0 ? 1 : 0), 0) : 0

/**
 * Fit the blend on the last `holdout` share of the events' time span, with sources trained on the
 * rest; the caller then computes the count-based sources again on all events and serves the
 * Pin2Vec model trained here (`reuse`). Null when disabled, given, or without events.
 */
async function fitBlendForBuild(inputs: Inputs, config: BuildConfig, log: Logger) {
  const { holdout, tuneStep, maxQueries } = config.options.blend
  if (config.blend || holdout <= 0 || !inputs.events || inputs.events.time.length === 0) {
    return null
  }
  const started = performance.now()
  const split = computeSplit(inputs.events, { testFraction: holdout, validationFraction: 0 })
  const mode = config.options.blend.pin2vec
  const fit = await fitBlendOnHoldout(
    inputs,
    split.testCut,
    split.end + 1,
    config.options,
    // Only 'reuse' serves the fit's neighbour lists; the others need them for the queries alone.
    { tuneStep, maxQueries, queryPinsOnly: mode !== 'reuse' },
    log
  )
  const reuse = reusableSources(fit, mode)
  const reusedSeconds = Object.values(reuse.pin2vec?.timings ?? {}).reduce((a, b) => a + b, 0)
  return {
    blend: fit.blend,
    report: fit.report,
    trainingEvents: fit.trainingEvents,
    reuse,
    // Pin2Vec trained here and served ('reuse') or trained on ('continue'): the train stage's time.
    seconds: (performance.now() - started) / 1000 - reusedSeconds,
  }
}

export async function runBuild(config: BuildConfig, log: Logger): Promise<BuildResult> {
  const start = performance.now()
  // A config mistake fails before the build says it started.
  requireInputs(config.inputs)
  const doneIngest = log.step('ingest', 'loading inputs')
  const inputs = await loadInputs(config.inputs, config.options.ingest, log)
  const ingestSeconds = doneIngest(`${inputs.pins.size.toLocaleString('en')} distinct pins`)
  // Peak RSS is monotonic: its value after each stage bounds what that stage and those before it used.
  const peakRssAfter: Record<string, number> = { ingest: peakRssBytes() }
  const fit = await fitBlendForBuild(inputs, config, log)
  if (fit) {
    peakRssAfter.blendFit = peakRssBytes()
  }
  // The served lists are scored as the ones the blend was fitted on.
  const sourceOptions = optionsForBlend(config.options, config.blend ?? fit?.blend)
  const sources = await computeSources(inputs, sourceOptions, log, { reuse: fit?.reuse ?? {} })
  peakRssAfter.sources = peakRssBytes()
  const blend =
    config.blend ??
    (fit
      ? scaleThresholds(fit.blend, fit.trainingEvents, inputs.events?.time.length ?? 0)
      : DEFAULT_BLEND)
  const assemble = config.options.assemble
  const doneWrite = log.step('write', `encoding shards of ${assemble.pinsPerShard} pins`)
  const budget = memoryBudget(config.options.maxMemoryBytes)
  checkWriteMemory(budget, inputs.pins.ids, inputs.meta, sources, assemble)
  const plan = planArtifacts(inputs.pins.ids, inputs.meta, sources, assemble, blend)
  const timings: Record<string, number> = {
    ingest: ingestSeconds,
    ...(fit ? { blendFit: fit.seconds } : {}),
    ...sources.timings,
  }
  const { manifest, files, stats } = await writeBuild(plan, config.out, { log })
  if (config.writeCandidates) {
    const { writeCandidates } = await import('./candidates/write')
    files.push(...(await writeCandidates(config.out, inputs.pins.ids, sources, log)))
  }
  timings.write = doneWrite(
    `${manifest.shardCount} shards, ${Math.round(stats.shardBytes / Math.max(1, manifest.pinCount))} B/pin, build ${manifest.buildId}`
  )
  timings.total = (performance.now() - start) / 1000
  peakRssAfter.write = peakRssBytes()
  const report: BuildReport = {
    ...buildReport(config, sources, manifest, stats, inputs.reports, timings),
    sessionCooc: sourceOptions.sessionCooc,
    peakRssBytesAfter: peakRssAfter,
    blendFit: fit?.report ?? null,
  }
  files.push(await writeReport(config.out, report))
  return { manifest, dir: config.out, report, files }
}
