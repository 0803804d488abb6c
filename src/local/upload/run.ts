/**
 * @module
 * Executes an upload plan against a KV target: read what is there, write phase by phase, switch
 * the pointer last, then delete builds beyond `--keep`.
 */

import { createHash } from 'node:crypto'
import { join } from 'node:path'
import {
  type Artifacts,
  CURRENT_KEY,
  type Manifest,
  manifestKey,
  OLDER_FORMAT_VERSIONS,
  shardKey,
} from '../../core/artifact'
import { ArtifactError } from '../../core/errors'
import { sliceLabel } from '../../offline/slice'
import {
  type KvBulkPair,
  kvBulkFiles,
  manifestPairs,
  readKvBulk,
  readManifest,
} from '../../offline/write'
import { checkSlices, sliceReports } from '../../offline/write-slice'
import {
  BUILD_PREFIX,
  buildOfKey,
  buildsToDelete,
  type ChunkLimits,
  freePlanCost,
  type Phase,
  phaseOfKey,
  planUpload,
  type StoredBuild,
  type UploadEntry,
  type UploadSource,
  uploadEntries,
} from './plan'
import type { KvTarget } from './targets'

/**
 * What one upload writes: the whole build (`all`), only the shard pairs of a directory (`shards`:
 * one slice of a sliced build, in parallel with the others), or only the manifests and the
 * pointer after checking that KV already holds every shard of the build (`pointer`).
 */
export type UploadMode = 'all' | 'shards' | 'pointer'

export type UploadOptions = {
  dryRun: boolean
  keep?: number
  limits?: ChunkLimits
  log: (line: string) => void
  /** Default `all`; must match the source's (dirSource builds it for a mode). */
  mode?: UploadMode
}

/** The plan of a whole upload, summed over its batches (values are not kept). */
export type UploadSummary = {
  buildId: string
  phases: { phase: Phase; pairs: number; requests: number }[]
  skipped: number
  writes: number
  bytes: number
}

export type UploadResult = {
  plan: UploadSummary
  deleted: StoredBuild[]
  written: number
  cost: string
}

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex')

const checksumOf = (metadata: unknown): string | undefined =>
  typeof metadata === 'object' &&
  metadata !== null &&
  typeof (metadata as { sha256?: unknown }).sha256 === 'string'
    ? (metadata as { sha256: string }).sha256
    : undefined

/** Builds stored in the target, with their manifest's createdAt (metadata first, else the manifest). */
async function storedBuilds(
  target: KvTarget,
  keys: { key: string; metadata?: unknown }[]
): Promise<StoredBuild[]> {
  const builds = new Map<string, StoredBuild>()
  for (const { key, metadata } of keys) {
    const id = buildOfKey(key)
    if (!id) {
      continue
    }
    const build = builds.get(id) ?? { buildId: id, createdAt: '', keys: [] }
    build.keys.push(key)
    if (key === manifestKey(id) || OLDER_FORMAT_VERSIONS.some((v) => key === manifestKey(id, v))) {
      build.createdAt = (metadata as { createdAt?: string } | undefined)?.createdAt ?? ''
    }
    builds.set(id, build)
  }
  for (const build of builds.values()) {
    if (!build.createdAt) {
      const raw = await target.getText(manifestKey(build.buildId))
      try {
        build.createdAt = raw
          ? String((JSON.parse(raw) as { createdAt?: unknown }).createdAt ?? '')
          : ''
      } catch {
        build.createdAt = '' // unreadable manifest: oldest, deleted first
      }
    }
  }
  return [...builds.values()]
}

/** An in-memory build as one upload batch. */
export function artifactsSource(artifacts: Artifacts): UploadSource {
  return {
    buildId: artifacts.manifest.buildId,
    manifest: artifacts.manifest,
    async *batches() {
      yield uploadEntries(artifacts, sha256)
    },
  }
}

/**
 * The kv-bulk files of an artifacts directory, one batch per file, read line by line. For `all`,
 * a directory of slices must hold every slice; for `shards`, only shard pairs are kept and the
 * build id may come from the slice reports (slices other than 0 have no manifest.json); for
 * `pointer`, only the manifests and the pointer, made from manifest.json.
 */
export async function dirSource(dir: string, mode: UploadMode = 'all'): Promise<UploadSource> {
  const manifest = await optionalManifest(dir)
  const reports = await sliceReports(dir)
  const buildId = manifest?.buildId ?? reports[0]?.buildId
  if (!buildId) {
    throw new ArtifactError(
      'manifest_missing',
      `${join(dir, 'manifest.json')} not found: run \`npx related-pins build\` first`
    )
  }
  if (!manifest && mode !== 'shards') {
    const slices = reports.map((r) => sliceLabel(r.slice)).join(', ')
    throw new ArtifactError(
      'manifest_missing',
      `${dir} is slice ${slices} of build ${buildId}, without manifest.json (slice 0 writes it): upload it with --shards-only, or copy every slice's directory together first`
    )
  }
  await checkSlices(dir, buildId, mode === 'all')
  if (mode === 'pointer') {
    return {
      buildId,
      manifest,
      async *batches() {
        yield manifestPairs(manifest!).map((pair) => entryOf(pair))
      },
    }
  }
  const files = await kvBulkFiles(dir)
  return {
    buildId,
    manifest,
    async *batches() {
      for (const file of files) {
        const batch: UploadEntry[] = []
        for await (const pair of readKvBulk(file)) {
          if (pair.metadata?.build !== buildId) {
            throw new ArtifactError(
              'shard_invalid',
              `${file}: ${pair.key} is of build ${pair.metadata?.build}, the directory is build ${buildId}: a stale file of another build; rebuild into a clean directory`
            )
          }
          const entry = entryOf(pair)
          if (mode === 'all' || entry.phase === 'shards') {
            batch.push(entry)
          }
        }
        yield batch
      }
    },
  }
}

function entryOf(pair: KvBulkPair): UploadEntry {
  return {
    key: pair.key,
    value: pair.base64 ? new Uint8Array(Buffer.from(pair.value, 'base64')) : pair.value,
    phase: phaseOfKey(pair.key),
    metadata: pair.metadata,
  }
}

async function optionalManifest(dir: string): Promise<Manifest | null> {
  try {
    return await readManifest(dir)
  } catch (err) {
    if (err instanceof ArtifactError && err.code === 'manifest_missing') {
      return null
    }
    throw err
  }
}

/** Fail unless KV holds every shard of the build (what `--pointer-only` checks before switching). */
function checkShardsInKv(manifest: Manifest, stored: { key: string; metadata?: unknown }[]): void {
  const have = new Set(stored.filter((k) => checksumOf(k.metadata) !== undefined).map((k) => k.key))
  const missing: number[] = []
  for (let i = 0; i < manifest.shardCount; i++) {
    if (!have.has(shardKey(manifest.buildId, i))) {
      missing.push(i)
    }
  }
  if (missing.length > 0) {
    const shown = missing.slice(0, 10).join(', ')
    throw new ArtifactError(
      'shard_missing',
      `upload --pointer-only: KV holds ${manifest.shardCount - missing.length} of the ${manifest.shardCount} shards of build ${manifest.buildId} (missing ${shown}${missing.length > 10 ? ', …' : ''}); upload every slice with --shards-only first. The pointer was not changed.`
    )
  }
}

export async function runUpload(
  source: UploadSource,
  target: KvTarget,
  options: UploadOptions
): Promise<UploadResult> {
  const { buildId, manifest } = source
  const mode = options.mode ?? 'all'
  if (mode !== 'shards' && !manifest) {
    throw new ArtifactError('manifest_missing', `upload: build ${buildId} has no manifest here`)
  }
  const stored = [
    ...(await target.list(BUILD_PREFIX)),
    ...(await target.list(CURRENT_KEY)).filter((k) => k.key === CURRENT_KEY),
  ]
  const existing = new Map<string, string>()
  for (const k of stored) {
    const sum = checksumOf(k.metadata)
    if (sum) {
      existing.set(k.key, sum)
    }
  }
  if (mode === 'pointer') {
    checkShardsInKv(manifest!, stored)
  }
  // Pass 1: the plan, batch by batch (a batch is one kv-bulk file), keeping only counts.
  const plan: UploadSummary = {
    buildId,
    phases: (['shards', 'manifest', 'pointer'] as const).map((phase) => ({
      phase,
      pairs: 0,
      requests: 0,
    })),
    skipped: 0,
    writes: 0,
    bytes: 0,
  }
  let shardPairs = 0
  for await (const batch of source.batches()) {
    for (const e of batch) {
      if (e.phase !== 'shards') {
        continue
      }
      shardPairs++
      const there = existing.get(e.key)
      if (there !== undefined && there !== e.metadata.sha256) {
        // Build ids name immutable content: a different value under the same key means two
        // different outputs claim one id (e.g. slices built from different inputs or versions).
        throw new ArtifactError(
          'checksum',
          `upload: ${e.key} is already in KV with SHA-256 ${there.slice(0, 12)}…, this directory has ${e.metadata.sha256.slice(0, 12)}…: two different builds claim the id ${buildId}; rebuild every slice from the same inputs with the same related-pins version`
        )
      }
    }
    const part = planUpload(buildId, batch, existing, options.limits)
    part.phases.forEach(({ chunks }, i) => {
      plan.phases[i]!.pairs += chunks.reduce((a, c) => a + c.length, 0)
      plan.phases[i]!.requests += chunks.length
    })
    plan.skipped += part.skipped.length
    plan.writes += part.writes
    plan.bytes += part.bytes
  }
  if (mode === 'all' && shardPairs !== manifest!.shardCount) {
    throw new ArtifactError(
      'shard_missing',
      `upload: the kv-bulk files hold ${shardPairs} of the ${manifest!.shardCount} shards of build ${buildId}; nothing was written (a slice's directory goes up with --shards-only)`
    )
  }
  const builds = await storedBuilds(target, stored)
  const previous = stored.some((k) => k.key === CURRENT_KEY)
    ? ((await target.getText(CURRENT_KEY))?.trim() ?? '')
    : ''
  const keep = mode === 'shards' ? undefined : options.keep
  // The previous build stays until the new pointer is written; the new one is never deleted.
  const doomed = keep === undefined ? [] : buildsToDelete(builds, keep, buildId)
  const deletes = doomed.reduce((a, b) => a + b.keys.length, 0)
  const cost = freePlanCost(plan.writes, deletes)
  const log = options.log
  const what = { all: '', shards: ' (--shards-only)', pointer: ' (--pointer-only)' }[mode]
  log(`[upload] build ${buildId}${what} → ${target.describe}${options.dryRun ? ' (dry run)' : ''}`)
  for (const { phase, pairs, requests } of plan.phases) {
    log(`[upload]   ${phase}: ${pairs} writes in ${requests} bulk request(s)`)
  }
  log(`[upload]   already present with the same checksum: ${plan.skipped} keys (skipped)`)
  log(
    mode === 'shards'
      ? `[upload]   pointer: ${previous || '(none)'}, unchanged (${shardPairs} shard pairs in this directory; finish with --pointer-only once every slice is up)`
      : `[upload]   pointer: ${previous || '(none)'} → ${buildId}`
  )
  if (keep !== undefined) {
    log(
      `[upload]   --keep ${keep}: delete ${doomed.length} old build(s) (${deletes} keys)${doomed.map((b) => ` ${b.buildId}`).join('')}`
    )
  }
  log(`[upload]   ${plan.writes} writes, ${(plan.bytes / 1024).toFixed(1)} KiB; ${cost}`)
  if (options.dryRun) {
    return { plan, deleted: doomed, written: 0, cost }
  }
  // Pass 2: write. Batches are in write order and the pointer is the last pair of the last one,
  // so every phase is finished before the next starts.
  let written = 0
  let requests = 0
  for await (const batch of source.batches()) {
    const part = planUpload(buildId, batch, existing, options.limits)
    for (const { phase, chunks } of part.phases) {
      for (const chunk of chunks) {
        await target.putBulk(chunk)
        written += chunk.length
        requests++
        log(
          `[upload] ${phase} request ${requests}: ${chunk.length} pairs (${written}/${plan.writes})`
        )
      }
    }
  }
  for (const build of doomed) {
    await target.deleteBulk(build.keys)
    log(`[upload] deleted build ${build.buildId} (${build.keys.length} keys)`)
  }
  log(
    `[upload] done: ${written} writes, ${mode === 'shards' ? 'pointer unchanged' : `pointer → ${buildId}`}`
  )
  return { plan, deleted: doomed, written, cost }
}
