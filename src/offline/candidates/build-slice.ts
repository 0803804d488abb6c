/**
 * @module
 * `build --from-candidates DIR --shard-slice i/n`: the part of a build from candidates that one
 * slice writes (write-slice.ts), with a build id every slice computes alone from the inputs'
 * SHA-256 and the settings (`slicedBuildIdOf`), and the slice's report.
 */

import { writeFile } from 'node:fs/promises'
import { type ArtifactPlan, slicedBuildIdOf } from '../assemble'
import { BuildError } from '../errors'
import type { IngestReport } from '../ingest/report'
import type { Logger } from '../log'
import { type ShardSlice, sliceLabel, sliceShardCount } from '../slice'
import { RELATED_PINS_VERSION } from '../version'
import { writeCounts } from '../write'
import { sliceReportFile, writeSlice } from '../write-slice'
import type { FromCandidatesConfig, FromCandidatesResult } from './build-from'
import type { InputDigest } from './digest'
import type { CandidateFiles } from './read'
import { CANDIDATE_SOURCES } from './schema'

/** The files a build from candidates reads, in a fixed order (the order is part of the id). */
export function sliceInputs(files: CandidateFiles, pins?: string): [string, string][] {
  const roles = [...CANDIDATE_SOURCES, 'pins'] as const
  const out: [string, string][] = roles.flatMap((r) =>
    files[r] ? [[`candidates/${r}`, files[r]] as [string, string]] : []
  )
  return pins ? [...out, ['--pins', pins]] : out
}

/** Encode and write one slice of a planned build from candidates, and its report. */
export async function writeOneSlice(
  config: FromCandidatesConfig,
  slice: ShardSlice,
  plan: ArtifactPlan,
  digests: InputDigest[],
  read: { files: CandidateFiles; pinsReport: IngestReport | null; start: number },
  log: Logger
): Promise<FromCandidatesResult> {
  const { shardCount } = plan.body
  if (slice.count > shardCount) {
    throw new BuildError(
      'config',
      `--shard-slice ${sliceLabel(slice)}: this build has ${shardCount} shards, so at most ${shardCount} slices (lower n, or --pins-per-shard for more shards)`
    )
  }
  const { assemble, ingest } = config.options
  // Everything that shapes the output and is not in the manifest body already.
  const buildId = slicedBuildIdOf(plan.body, {
    relatedPins: RELATED_PINS_VERSION,
    maxShardBytes: assemble.maxShardBytes,
    pinsIngest: { columns: ingest.columns.pins, skipBadRows: ingest.skipBadRows },
    inputs: digests.map(({ role, bytes, sha256 }) => ({ role, bytes, sha256 })),
  })
  const mine = sliceShardCount(slice, shardCount)
  const done = log.step(
    'write',
    `slice ${sliceLabel(slice)} of build ${buildId}: ${mine.toLocaleString('en')} of ${shardCount.toLocaleString('en')} shards (s mod ${slice.count} = ${slice.index})`
  )
  const written = await writeSlice(plan, config.out, {
    slice,
    buildId,
    createdAt: config.createdAt ?? new Date().toISOString(),
    limits: config.limits,
    log,
  })
  const { manifest, stats } = written
  done(
    `${stats.shards.toLocaleString('en')} shards, ${stats.records.toLocaleString('en')} of ${manifest.pinCount.toLocaleString('en')} pins${slice.index === 0 ? '; manifest and pointer written' : ''}`
  )
  const report = {
    buildId,
    createdAt: slice.index === 0 ? manifest.createdAt : null,
    slice: {
      index: slice.index,
      count: slice.count,
      label: sliceLabel(slice),
      shards: stats.shards,
      pins: stats.records,
      writesManifest: slice.index === 0,
      buildIdFrom: 'inputs',
    },
    fromCandidates: { dir: config.dir, files: read.files },
    inputs: read.pinsReport ? { pins: read.pinsReport } : {},
    inputDigests: digests,
    counts: {
      pins: manifest.pinCount,
      shards: shardCount,
      sliceShards: stats.shards,
      slicePins: stats.records,
      ...writeCounts(stats, stats.records),
    },
    blend: manifest.blend,
    timingsSeconds: { total: (performance.now() - read.start) / 1000 },
  }
  const path = sliceReportFile(config.out, slice)
  await writeFile(path, `${JSON.stringify(report, null, 2)}\n`)
  return { manifest, files: [...written.files, path], report }
}
