/**
 * @module
 * Executes an upload plan against a KV target: read what is there, write phase by phase, switch
 * the pointer last, then delete builds beyond `--keep`.
 */

import { createHash } from 'node:crypto'
import { CURRENT_KEY, manifestKey } from '../../core/artifact'
import type { Artifacts } from '../../offline/assemble'
import {
  BUILD_PREFIX,
  buildOfKey,
  buildsToDelete,
  type ChunkLimits,
  freePlanCost,
  planUpload,
  type StoredBuild,
  type UploadPlan,
  uploadEntries,
} from './plan'
import type { KvTarget } from './targets'

export type UploadOptions = {
  dryRun: boolean
  keep?: number
  limits?: ChunkLimits
  log: (line: string) => void
}

export type UploadResult = {
  plan: UploadPlan
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
    if (key === manifestKey(id)) {
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

export async function runUpload(
  artifacts: Artifacts,
  target: KvTarget,
  options: UploadOptions
): Promise<UploadResult> {
  const { manifest } = artifacts
  const entries = uploadEntries(manifest, artifacts.shards, sha256)
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
  const plan = planUpload(manifest.buildId, entries, existing, options.limits)
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
  for (const { phase, chunks } of plan.phases) {
    const pairs = chunks.reduce((a, c) => a + c.length, 0)
    log(`[upload]   ${phase}: ${pairs} writes in ${chunks.length} bulk request(s)`)
  }
  log(`[upload]   already present with the same checksum: ${plan.skipped.length} keys (skipped)`)
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
  let written = 0
  for (const { phase, chunks } of plan.phases) {
    for (const [i, chunk] of chunks.entries()) {
      await target.putBulk(chunk)
      written += chunk.length
      log(`[upload] ${phase} ${i + 1}/${chunks.length}: ${chunk.length} pairs`)
    }
  }
  for (const build of doomed) {
    await target.deleteBulk(build.keys)
    log(`[upload] deleted build ${build.buildId} (${build.keys.length} keys)`)
  }
  log(`[upload] done: ${written} writes, pointer → ${manifest.buildId}`)
  return { plan, deleted: doomed, written, cost }
}
