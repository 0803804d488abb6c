/**
 * @module
 * `related-pins build`: inputs → sources → artifacts on disk, with a report of every stage.
 */

import { DEFAULT_BLEND } from '../core/defaults'
import type { BlendParams } from '../core/artifact'
import { assembleArtifacts, type Artifacts } from './assemble'
import type { BuildOptions, ColumnMaps, InputPaths } from './config'
import { loadInputs } from './inputs'
import type { Logger } from './log'
import { computeSources, type Sources } from './sources'
import { writeArtifacts, writeReport } from './write'

export type BuildConfig = {
  inputs: InputPaths
  out: string
  skipBadRows: boolean
  columns: ColumnMaps
  options: BuildOptions
  blend?: BlendParams
}

export type BuildResult = { artifacts: Artifacts; report: BuildReport; files: string[] }

export type BuildReport = ReturnType<typeof buildReport>

function buildReport(config: BuildConfig, sources: Sources, artifacts: Artifacts, reports: object, timings: Record<string, number>) {
  const { manifest } = artifacts
  return {
    buildId: manifest.buildId,
    createdAt: manifest.createdAt,
    config: { inputs: config.inputs, skipBadRows: config.skipBadRows, columns: config.columns, options: config.options },
    inputs: reports,
    counts: {
      pins: manifest.pinCount,
      shards: manifest.shardCount,
      shardBytes: manifest.shards.reduce((a, s) => a + s.byteLength, 0),
      pinsWithCooc: countNonEmpty(sources.cooc?.counts),
      pinsWithWalk: countNonEmpty(sources.walk?.counts),
      pinsWithEmbedding: sources.pin2vec ? sources.pin2vec.trained.reduce((a, b) => a + b, 0) : 0,
    },
    boards: sources.stats.boards ?? null,
    sessions: sources.stats.sessions ?? null,
    actions: sources.stats.actions ?? null,
    pin2vec: sources.pin2vec
      ? { dims: sources.pin2vec.dims, pairs: sources.pin2vec.pairs, pairsPerSec: Math.round(sources.pin2vec.pairsPerSec), lossPerEpoch: sources.pin2vec.lossPerEpoch }
      : null,
    blend: manifest.blend,
    timingsSeconds: timings,
  }
}

const countNonEmpty = (counts?: Int32Array): number => (counts ? counts.reduce((a, c) => a + (c > 0 ? 1 : 0), 0) : 0)

export async function runBuild(config: BuildConfig, log: Logger): Promise<BuildResult> {
  const start = performance.now()
  const doneIngest = log.step('ingest', 'loading inputs')
  const inputs = await loadInputs(config.inputs, { skipBadRows: config.skipBadRows, columns: config.columns }, log)
  const ingestSeconds = doneIngest(`${inputs.pins.size.toLocaleString('en')} distinct pins`)
  const sources = await computeSources(inputs, config.options, log)
  const doneWrite = log.step('write', `encoding shards of ${config.options.pinsPerShard} pins`)
  const artifacts = await assembleArtifacts(inputs.pins.ids, inputs.meta, sources, {
    pinsPerShard: config.options.pinsPerShard,
    popularCount: config.options.popularCount,
    vectorDtype: config.options.vectorDtype,
    blend: config.blend ?? DEFAULT_BLEND,
  })
  const timings: Record<string, number> = { ingest: ingestSeconds, ...sources.timings }
  const files = await writeArtifacts(artifacts, config.out)
  timings.write = doneWrite(`${artifacts.manifest.shardCount} shards, build ${artifacts.manifest.buildId}`)
  timings.total = (performance.now() - start) / 1000
  const report = buildReport(config, sources, artifacts, inputs.reports, timings)
  files.push(await writeReport(config.out, report))
  return { artifacts, report, files }
}
