/**
 * @module
 * Writes one slice of a build (`--shard-slice i/n`) into the layout of a whole build, so that
 * copying the n slices' directories together is the join (no merge step):
 *
 *   shards/NNNNNN.bin                    this slice's shards (global shard numbers: disjoint)
 *   kv-bulk/slice-i-of-n-NNNNNN.json     this slice's shard pairs only
 *   kv-bulk/manifest-and-pointer.json    slice 0 only: the v1 stub, the manifest, the pointer
 *   manifest.json                        slice 0 only (its createdAt is slice 0's clock)
 *   slices/slice-i-of-n.json             every slice: its report (written last: a slice whose
 *                                        report is missing did not finish)
 *
 * The build id must be known before any shard is encoded (it is in every key), so it comes from
 * the inputs (`slicedBuildIdOf`), not from the shards' digests as a whole build's does.
 * A slice only removes files it owns, so n slices can also write into one shared directory.
 */

import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { type Manifest, shardKey } from '../core/artifact'
import { ArtifactError } from '../core/errors'
import type { ArtifactPlan } from './assemble'
import type { Logger } from './log'
import { type ShardSlice, sliceLabel, sliceName, sliceOfName, sliceShardCount } from './slice'
import {
  BulkWriter,
  bulkDir,
  checkedManifestBytes,
  countShard,
  emptyStats,
  FINAL_BULK_FILE,
  KV_BULK_LIMITS,
  type KvBulkLimits,
  manifestPairs,
  shardFile,
  shardPair,
  slicesDir,
  type WriteStats,
} from './write'

export type WriteSliceOptions = {
  slice: ShardSlice
  buildId: string
  /** The manifest's createdAt (only slice 0 writes the manifest). */
  createdAt: string
  limits?: KvBulkLimits
  log: Logger
}

export type SliceWritten = { manifest: Manifest; files: string[]; stats: WriteStats }

/** Path of the report of `slice` in `dir`. */
export const sliceReportFile = (dir: string, slice: ShardSlice): string =>
  join(slicesDir(dir), `${sliceName(slice)}.json`)

/**
 * Remove what this slice wrote before, plus what no slice of an n-slice build can have written
 * (a whole build's kv-bulk files and report, other slice counts' files), and nothing else.
 */
async function cleanSlice(dir: string, slice: ShardSlice): Promise<void> {
  const foreign = (name: string): boolean => {
    const of = sliceOfName(name)
    return of !== null && (of.count !== slice.count || of.index === slice.index)
  }
  for (const name of await readdir(bulkDir(dir))) {
    const whole = /^\d{6}\.json$/.test(name)
    if (whole || foreign(name) || (slice.index === 0 && name === FINAL_BULK_FILE)) {
      await rm(join(bulkDir(dir), name), { force: true })
    }
  }
  for (const name of await readdir(slicesDir(dir))) {
    if (foreign(name)) {
      await rm(join(slicesDir(dir), name), { force: true })
    }
  }
  for (const name of await readdir(join(dir, 'shards'))) {
    const m = /^(\d{6})\.bin$/.exec(name)
    if (m && Number(m[1]) % slice.count === slice.index) {
      await rm(join(dir, 'shards', name), { force: true })
    }
  }
  await rm(join(dir, 'kv-bulk.json'), { force: true }) // format v1 wrote one file
  await rm(join(dir, 'report.json'), { force: true }) // a whole build's report
}

/** Encode and write the shards of `options.slice`; slice 0 also writes the manifest and pointer. */
export async function writeSlice(
  plan: ArtifactPlan,
  dir: string,
  options: WriteSliceOptions
): Promise<SliceWritten> {
  const { slice, buildId, log } = options
  for (const sub of ['shards', 'kv-bulk', 'slices']) {
    await mkdir(join(dir, sub), { recursive: true })
  }
  await cleanSlice(dir, slice)
  const manifest: Manifest = { ...plan.body, buildId, createdAt: options.createdAt }
  const stats = emptyStats(plan.popularTrimmed)
  stats.manifestBytes = checkedManifestBytes(manifest)
  const mine = sliceShardCount(slice, plan.body.shardCount)
  const writer = new BulkWriter(
    bulkDir(dir),
    options.limits ?? KV_BULK_LIMITS,
    `${sliceName(slice)}-`
  )
  const counter = log.counter('write', `slice ${sliceLabel(slice)}: shards encoded`, {
    total: mine,
    unit: 'shards',
  })
  for (const shard of plan.shards(slice)) {
    await writeFile(shardFile(dir, shard.index), shard.value)
    await writer.add(shardPair(shardKey(buildId, shard.index), shard.value, buildId))
    countShard(stats, shard)
    counter.add()
  }
  await writer.close()
  counter.end(
    `${stats.records.toLocaleString('en')} pins, ${stats.shardBytes.toLocaleString('en')} bytes, ${writer.files.length} kv-bulk files`
  )
  const files = [join(dir, 'shards/'), ...writer.files]
  if (slice.index === 0) {
    await writeFile(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`)
    const last = join(bulkDir(dir), FINAL_BULK_FILE)
    const lines = manifestPairs(manifest).map((p) => JSON.stringify(p))
    await writeFile(last, `[\n${lines.join(',\n')}\n]\n`)
    files.push(join(dir, 'manifest.json'), last)
  }
  stats.kvBulkFiles = writer.files.length + (slice.index === 0 ? 1 : 0)
  return { manifest, files, stats }
}

export type SliceReportRef = { slice: ShardSlice; buildId: string; file: string }

/** The slice reports in `dir` (none for a whole build). */
export async function sliceReports(dir: string): Promise<SliceReportRef[]> {
  let names: string[]
  try {
    names = await readdir(slicesDir(dir))
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      return []
    }
    throw err
  }
  const out: SliceReportRef[] = []
  for (const name of names.sort()) {
    const slice = sliceOfName(name)
    if (!slice || !name.endsWith('.json')) {
      continue
    }
    const file = join(slicesDir(dir), name)
    const { buildId } = JSON.parse(await readFile(file, 'utf8')) as { buildId: string }
    out.push({ slice, buildId, file })
  }
  return out
}

/**
 * Fail unless the slices in `dir` (if any) are all of build `buildId` and, with `complete`, are
 * every slice of it: what `upload` and `serve` check before treating a directory as one build.
 */
export async function checkSlices(dir: string, buildId: string, complete: boolean): Promise<void> {
  const reports = await sliceReports(dir)
  if (reports.length === 0) {
    return
  }
  const stale = reports.find((r) => r.buildId !== buildId)
  if (stale) {
    throw new ArtifactError(
      'shard_invalid',
      `${stale.file} is slice ${sliceLabel(stale.slice)} of build ${stale.buildId}, but ${join(dir, 'manifest.json')} is build ${buildId}: rerun that slice with the same inputs and settings, or copy its output in again`
    )
  }
  const count = reports[0]!.slice.count
  const odd = reports.find((r) => r.slice.count !== count)
  if (odd) {
    throw new ArtifactError(
      'shard_invalid',
      `${dir} mixes slices of ${count} and of ${odd.slice.count} (${odd.file}): every slice of one build has the same n`
    )
  }
  if (!complete) {
    return
  }
  const have = new Set(reports.map((r) => r.slice.index))
  const missing = Array.from({ length: count }, (_, i) => i).filter((i) => !have.has(i))
  if (missing.length > 0) {
    throw new ArtifactError(
      'shard_missing',
      `${dir} holds ${have.size} of the ${count} slices of build ${buildId}; missing ${missing.map((i) => `${i}/${count}`).join(', ')}: copy their output directories in (or upload each slice with \`upload --shards-only\`, then once \`upload --pointer-only\`)`
    )
  }
}
