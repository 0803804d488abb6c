/**
 * @module
 * The upload plan, as pure functions: which KV pairs to write (skipping those already present with
 * the same checksum, so an interrupted upload resumes), in which order (shards, then the manifest,
 * then the pointer, each phase finished before the next starts), in bulk chunks within Cloudflare's
 * limits, and which old builds `--keep N` deletes.
 */

import { type Artifacts, CURRENT_KEY, kvEntries, type Manifest } from '../../core/artifact'

/** Cloudflare's bulk write limits per request (https://developers.cloudflare.com/kv/platform/limits/). */
export const MAX_BULK_PAIRS = 10_000
export const MAX_BULK_BYTES = 100_000_000
/** Free plan: writes (and deletes) per day. */
export const FREE_WRITES_PER_DAY = 1000

export type Phase = 'shards' | 'manifest' | 'pointer'

/** Stored as KV metadata on every key we write, so a later upload can tell what is already there. */
export type UploadMetadata = { sha256: string; build: string; createdAt?: string }

export type UploadEntry = {
  key: string
  value: Uint8Array | string
  phase: Phase
  metadata: UploadMetadata
}

export type ChunkLimits = { maxPairs: number; maxBytes: number }

export type UploadPlan = {
  buildId: string
  phases: { phase: Phase; chunks: UploadEntry[][] }[]
  /** Keys already present with the same checksum. */
  skipped: string[]
  writes: number
  bytes: number
}

/** Listed to find stored builds: keys of every format version live under it. */
export const BUILD_PREFIX = 'related-pins/v'

/** The build id of a key of a build of any format (`related-pins/v2/<id>/…`), else null. */
export function buildOfKey(key: string): string | null {
  const m = /^related-pins\/v\d+\/([^/]+)\//.exec(key)
  return m?.[1] ?? null
}

/** The phase of a key in the write order: the pointer, a manifest (or v1 stub), or a shard. */
export const phaseOfKey = (key: string): Phase =>
  key === CURRENT_KEY ? 'pointer' : key.endsWith('/manifest') ? 'manifest' : 'shards'

const base64Length = (n: number): number => Math.ceil(n / 3) * 4

/** Bytes one pair adds to a bulk request body: binary values travel base64-encoded in JSON. */
export function encodedSize(entry: UploadEntry): number {
  const value =
    typeof entry.value === 'string'
      ? JSON.stringify(entry.value).length
      : base64Length(entry.value.byteLength)
  return JSON.stringify(entry.key).length + value + JSON.stringify(entry.metadata).length + 48
}

/** Split entries into chunks of at most `maxPairs` pairs and `maxBytes` encoded bytes, in order. */
export function chunkEntries(entries: UploadEntry[], limits: ChunkLimits): UploadEntry[][] {
  const chunks: UploadEntry[][] = []
  let current: UploadEntry[] = []
  let bytes = 0
  for (const entry of entries) {
    const size = encodedSize(entry)
    if (size > limits.maxBytes) {
      throw new Error(
        `[upload] ${entry.key} is ${size} bytes encoded, over the ${limits.maxBytes}-byte bulk limit`
      )
    }
    if (
      current.length > 0 &&
      (current.length >= limits.maxPairs || bytes + size > limits.maxBytes)
    ) {
      chunks.push(current)
      current = []
      bytes = 0
    }
    current.push(entry)
    bytes += size
  }
  if (current.length > 0) {
    chunks.push(current)
  }
  return chunks
}

/**
 * Plan the writes of `entries` given the checksums already in KV (`existing`: key → sha256 from
 * metadata). Phases stay in order even when a phase is empty, so the pointer is always last.
 */
export function planUpload(
  buildId: string,
  entries: UploadEntry[],
  existing: ReadonlyMap<string, string>,
  limits: ChunkLimits = { maxPairs: MAX_BULK_PAIRS, maxBytes: MAX_BULK_BYTES }
): UploadPlan {
  const skipped: string[] = []
  const phases: UploadPlan['phases'] = []
  let writes = 0
  let bytes = 0
  for (const phase of ['shards', 'manifest', 'pointer'] as const) {
    const todo = entries.filter(
      (e) => e.phase === phase && existing.get(e.key) !== e.metadata.sha256
    )
    skipped.push(
      ...entries
        .filter((e) => e.phase === phase && existing.get(e.key) === e.metadata.sha256)
        .map((e) => e.key)
    )
    writes += todo.length
    bytes += todo.reduce(
      (a, e) => a + (typeof e.value === 'string' ? e.value.length : e.value.byteLength),
      0
    )
    phases.push({ phase, chunks: chunkEntries(todo, limits) })
  }
  return { buildId, phases, skipped, writes, bytes }
}

export type StoredBuild = { buildId: string; createdAt: string; keys: string[] }

/**
 * Builds `--keep N` deletes: all but the N most recent, where the build being uploaded counts as
 * the newest (build ids are content hashes, createdAt may repeat) and the rest go by manifest
 * createdAt.
 */
export function buildsToDelete(
  builds: StoredBuild[],
  keep: number,
  uploading: string
): StoredBuild[] {
  const others = builds
    .filter((b) => b.buildId !== uploading)
    .sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0))
  return others.slice(Math.max(0, keep - 1))
}

/** What the plan costs on the free plan (1,000 writes a day; each pair of a bulk write counts, deletes too). */
export function freePlanCost(writes: number, deletes: number): string {
  const ops = writes + deletes
  const days = Math.ceil(ops / FREE_WRITES_PER_DAY)
  const share = ((ops / FREE_WRITES_PER_DAY) * 100).toFixed(1)
  return ops <= FREE_WRITES_PER_DAY
    ? `${ops} KV writes+deletes: ${share}% of the free plan's ${FREE_WRITES_PER_DAY} writes/day`
    : `${ops} KV writes+deletes: over the free plan's ${FREE_WRITES_PER_DAY} writes/day (${days} days of quota; use a paid plan or upload over ${days} days, it resumes)`
}

/** The KV entries of an in-memory build with their phase and checksum metadata. */
export function uploadEntries(
  artifacts: Artifacts,
  sha256: (bytes: Uint8Array) => string
): UploadEntry[] {
  const { manifest } = artifacts
  const build = manifest.buildId
  const encoder = new TextEncoder()
  return [...kvEntries(artifacts)].map(({ key, value }) => {
    const phase = phaseOfKey(key)
    return {
      key,
      value,
      phase,
      metadata: {
        sha256: sha256(typeof value === 'string' ? encoder.encode(value) : value),
        build,
        ...(phase === 'manifest' ? { createdAt: manifest.createdAt } : {}),
      },
    }
  })
}

/** What `upload` writes, in batches that each fit the bulk limits (a kv-bulk file, or all). */
export type UploadSource = {
  buildId: string
  /** Null only for a slice's shards (`upload --shards-only` of slices other than 0). */
  manifest: Manifest | null
  batches(): AsyncIterable<UploadEntry[]>
}
