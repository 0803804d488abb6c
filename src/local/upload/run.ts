/**
 * @module
 * Executes an upload plan against a KV target: read what is there, write phase by phase, switch
 * the pointer last, then delete builds beyond `--keep`.
 */

import { createHash } from 'node:crypto'
import { type Artifacts, CURRENT_KEY, manifestKey } from '../../core/artifact'
import { kvBulkFiles, readKvBulk, readManifest } from '../../offline/write'
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

export type UploadOptions = {
  dryRun: boolean
  keep?: number
  limits?: ChunkLimits
  log: (line: string) => void
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
    if (key === manifestKey(id) || key === manifestKey(id, 1)) {
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
    manifest: artifacts.manifest,
    async *batches() {
      yield uploadEntries(artifacts, sha256)
    },
  }
}

/** The kv-bulk files of an artifacts directory, one batch per file, read line by line. */
export async function dirSource(dir: string): Promise<UploadSource> {
  const manifest = await readManifest(dir)
  const files = await kvBulkFiles(dir)
  return {
    manifest,
    async *batches() {
      for (const file of files) {
        const batch: UploadEntry[] = []
        for await (const pair of readKvBulk(file)) {
          batch.push({
            key: pair.key,
            value: pair.base64 ? new Uint8Array(Buffer.from(pair.value, 'base64')) : pair.value,
            phase: phaseOfKey(pair.key),
            metadata: pair.metadata,
          })
        }
        yield batch
      }
    },
  }
}

export async function runUpload(
  source: UploadSource,
  target: KvTarget,
  options: UploadOptions
): Promise<UploadResult> {
  const { manifest } = source
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
  // Pass 1: the plan, batch by batch (a batch is one kv-bulk file), keeping only counts.
  const plan: UploadSummary = {
    buildId: manifest.buildId,
    phases: (['shards', 'manifest', 'pointer'] as const).map((phase) => ({
      phase,
      pairs: 0,
      requests: 0,
    })),
    skipped: 0,
    writes: 0,
    bytes: 0,
  }
  for await (const batch of source.batches()) {
    const part = planUpload(manifest.buildId, batch, existing, options.limits)
    part.phases.forEach(({ chunks }, i) => {
      plan.phases[i]!.pairs += chunks.reduce((a, c) => a + c.length, 0)
      plan.phases[i]!.requests += chunks.length
    })
    plan.skipped += part.skipped.length
    plan.writes += part.writes
    plan.bytes += part.bytes
  }
  const builds = await storedBuilds(target, stored)
  const previous = stored.some((k) => k.key === CURRENT_KEY)
    ? ((await target.getText(CURRENT_KEY))?.trim() ?? '')
    : ''
  const keep = options.keep
  // The previous build stays until the new pointer is written; the new one is never deleted.
  const doomed = keep === undefined ? [] : buildsToDelete(builds, keep, manifest.buildId)
  const deletes = doomed.reduce((a, b) => a + b.keys.length, 0)
  const cost = freePlanCost(plan.writes, deletes)
  const log = options.log
  log(
    `[upload] build ${manifest.buildId} → ${target.describe}${options.dryRun ? ' (dry run)' : ''}`
  )
  for (const { phase, pairs, requests } of plan.phases) {
    log(`[upload]   ${phase}: ${pairs} writes in ${requests} bulk request(s)`)
  }
  log(`[upload]   already present with the same checksum: ${plan.skipped} keys (skipped)`)
  log(`[upload]   pointer: ${previous || '(none)'} → ${manifest.buildId}`)
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
    const part = planUpload(manifest.buildId, batch, existing, options.limits)
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
  log(`[upload] done: ${written} writes, pointer → ${manifest.buildId}`)
  return { plan, deleted: doomed, written, cost }
}
