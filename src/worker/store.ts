/**
 * @module
 * ArtifactStore: the worker's read side of the contract. Resolves the current build once per
 * request, caches manifests and decoded shards per isolate (bounded), and counts KV reads.
 */

import {
  CURRENT_KEY,
  FORMAT_VERSION,
  type Manifest,
  manifestKey,
  OLDER_FORMAT_VERSIONS,
  type PinRecord,
  parseManifest,
  type ShardReader,
  shardKey,
} from '../core/artifact'
import { ArtifactError } from '../core/errors'
import { shardOf } from '../core/hash'
import { openServedShard } from './inflate'

/**
 * The format a manifest (or a newer build's stub) found under format `key`'s prefix declares:
 * its own `formatVersion`, else the prefix's.
 */
function formatOf(raw: string, key: number): number {
  try {
    const declared = (JSON.parse(raw) as { formatVersion?: unknown }).formatVersion
    return typeof declared === 'number' ? declared : key
  } catch {
    return key
  }
}

export type ArtifactStoreOptions = {
  /** Serve this build id instead of following the pointer key. */
  pinnedBuildId?: string
  /** How long an isolate trusts the pointer it read, in ms (KV is eventually consistent anyway). */
  pointerTtlMs?: number
  /** Byte budget of decoded shards kept in isolate memory (isolates have 128 MB). */
  shardCacheBytes?: number
  /** How long a missing or corrupt shard is remembered, in ms, so each bad request costs no KV read. */
  failureTtlMs?: number
}

/** One build, fixed for the duration of a request so answers never mix builds. */
export type BuildView = {
  manifest: Manifest
  record(id: string): Promise<PinRecord | null>
  /** KV reads this request caused (cache hits cost none). */
  readonly kvReads: number
  /** Bytes of KV values this request read. */
  readonly kvBytes: number
  /** Shards this request read from KV, and found already decoded in the isolate. */
  readonly shardReads: number
  readonly shardHits: number
}

/**
 * Per-request state. In-flight KV reads are shared only within one request: workerd cancels a
 * request that waits on a promise another request's I/O would resolve ("code had hung") when that
 * other request goes away, so across requests only resolved values are shared.
 */
type ReadCounter = {
  kvReads: number
  kvBytes: number
  shardReads: number
  shardHits: number
  inflight: Map<string, Promise<ShardReader>>
}

export class ArtifactStore {
  private readonly pointerTtlMs: number
  private readonly shardCacheBytes: number
  private pointer: { buildId: string; readAt: number } | null = null
  private readonly manifests = new Map<string, Manifest>()
  /** Decoded shards, least recently used first. */
  private readonly shards = new Map<string, ShardReader>()
  private readonly shardBytes = new Map<string, number>()
  private readonly failures = new Map<string, { error: unknown; until: number }>()
  private readonly failureTtlMs: number
  private cachedBytes = 0
  /** KV reads made by this store since it was created. */
  kvReads = 0

  constructor(
    private readonly kv: KVNamespace,
    private readonly options: ArtifactStoreOptions = {}
  ) {
    this.pointerTtlMs = options.pointerTtlMs ?? 30_000
    this.shardCacheBytes = options.shardCacheBytes ?? 32 * 1024 * 1024
    this.failureTtlMs = options.failureTtlMs ?? 30_000
  }

  /** The build to answer this request from. */
  async build(now = Date.now()): Promise<BuildView> {
    const counter: ReadCounter = {
      kvReads: 0,
      kvBytes: 0,
      shardReads: 0,
      shardHits: 0,
      inflight: new Map(),
    }
    const buildId = this.options.pinnedBuildId || (await this.currentBuildId(now, counter))
    const manifest = await this.manifest(buildId, counter)
    return {
      manifest,
      record: (id) => this.record(manifest, id, counter),
      get kvReads() {
        return counter.kvReads
      },
      get kvBytes() {
        return counter.kvBytes
      },
      get shardReads() {
        return counter.shardReads
      },
      get shardHits() {
        return counter.shardHits
      },
    }
  }

  private countRead(counter: ReadCounter): void {
    this.kvReads++
    counter.kvReads++
  }

  private async currentBuildId(now: number, counter: ReadCounter): Promise<string> {
    if (this.pointer && now - this.pointer.readAt < this.pointerTtlMs) {
      return this.pointer.buildId
    }
    this.countRead(counter)
    const buildId = await this.kv.get(CURRENT_KEY, 'text')
    counter.kvBytes += buildId?.length ?? 0
    if (!buildId) {
      throw new ArtifactError(
        'pointer_missing',
        `KV key '${CURRENT_KEY}' is missing: no build has been loaded`
      )
    }
    this.pointer = { buildId: buildId.trim(), readAt: now }
    return this.pointer.buildId
  }

  private async manifest(buildId: string, counter: ReadCounter): Promise<Manifest> {
    const cached = this.manifests.get(buildId)
    if (cached) {
      return cached
    }
    const manifest = await this.loadManifest(buildId, counter)
    // Manifests are small and a pointer names few builds over an isolate's life; keep the last few.
    if (this.manifests.size >= 8) {
      this.manifests.delete(this.manifests.keys().next().value as string)
    }
    this.manifests.set(buildId, manifest)
    return manifest
  }

  private async loadManifest(buildId: string, counter: ReadCounter): Promise<Manifest> {
    this.countRead(counter)
    const raw = await this.kv.get(manifestKey(buildId), 'text')
    counter.kvBytes += raw?.length ?? 0
    if (raw === null) {
      // The pointer is shared by every format: a build of another format has its manifest under
      // that format's prefix. Name the mismatch instead of calling the build missing.
      for (const version of OLDER_FORMAT_VERSIONS) {
        this.countRead(counter)
        const older = await this.kv.get(manifestKey(buildId, version), 'text')
        if (older !== null) {
          throw new ArtifactError(
            'format_version',
            `build '${buildId}' is artifact format ${formatOf(older, version)}; this worker reads format ${FORMAT_VERSION}. Rebuild with \`npx related-pins build\` and upload again, or deploy the worker of the related-pins version that wrote it.`
          )
        }
      }
      throw new ArtifactError('manifest_missing', `manifest of build '${buildId}' is missing`)
    }
    let json: unknown
    try {
      json = JSON.parse(raw)
    } catch (cause) {
      throw new ArtifactError('manifest_invalid', `manifest of build '${buildId}' is not JSON`, {
        cause,
      })
    }
    return parseManifest(json)
  }

  private async record(
    manifest: Manifest,
    id: string,
    counter: ReadCounter
  ): Promise<PinRecord | null> {
    const shard = await this.shard(manifest, shardOf(id, manifest.shardCount), counter)
    return shard.get(id)
  }

  private shard(manifest: Manifest, index: number, counter: ReadCounter): Promise<ShardReader> {
    const key = shardKey(manifest.buildId, index)
    const cached = this.shards.get(key)
    if (cached) {
      // Re-insert to mark as most recently used.
      this.shards.delete(key)
      this.shards.set(key, cached)
      counter.shardHits++
      return Promise.resolve(cached)
    }
    const failed = this.failures.get(key)
    if (failed && Date.now() < failed.until) {
      return Promise.reject(failed.error)
    }
    const pending = counter.inflight.get(key)
    if (pending) {
      return pending // the same shard twice in one request (seeds, context): one read
    }
    const loading = this.loadShard(manifest, index, key, counter)
    counter.inflight.set(key, loading)
    loading.then(
      (reader) => this.keep(key, reader),
      (error: unknown) => {
        // Build keys are immutable, so a bad shard stays bad: remember it instead of re-reading it.
        this.failures.set(key, { error, until: Date.now() + this.failureTtlMs })
      }
    )
    return loading
  }

  private async loadShard(
    manifest: Manifest,
    index: number,
    key: string,
    counter: ReadCounter
  ): Promise<ShardReader> {
    this.countRead(counter)
    counter.shardReads++
    const buffer = await this.kv.get(key, 'arrayBuffer')
    if (buffer === null) {
      throw new ArtifactError(
        'shard_missing',
        `shard ${index} of build '${manifest.buildId}' is missing`
      )
    }
    counter.kvBytes += buffer.byteLength
    // Header, place in this build, SHA-256 of the body, then inflate (src/core/artifact/shard.ts)
    // with node:zlib (inflate.ts).
    try {
      return await openServedShard(new Uint8Array(buffer), {
        index,
        shardCount: manifest.shardCount,
        shardTag: manifest.shardTag,
      })
    } catch (err) {
      if (err instanceof ArtifactError) {
        const why = err.message.replace(/^\[artifact\] (shard \d+:? ?)?/, '')
        throw new ArtifactError(
          err.code,
          `shard ${index} of build '${manifest.buildId}' ${err.code === 'checksum' ? 'does not match its checksum' : `is unreadable: ${why}`}`,
          { cause: err }
        )
      }
      throw err
    }
  }

  /** Cache a decoded shard, evicting least recently used ones to stay under the byte budget. */
  private keep(key: string, reader: ShardReader): void {
    if (this.shards.has(key)) {
      return // another request loaded it meanwhile
    }
    const bytes = reader.body.byteLength
    this.shards.set(key, reader)
    this.shardBytes.set(key, bytes)
    this.cachedBytes += bytes
    for (const oldest of this.shards.keys()) {
      if (this.cachedBytes <= this.shardCacheBytes || oldest === key) {
        break
      }
      this.shards.delete(oldest)
      this.cachedBytes -= this.shardBytes.get(oldest) ?? 0
      this.shardBytes.delete(oldest)
    }
  }

  /** Bytes of decoded shards currently held. */
  get cacheBytes(): number {
    return this.cachedBytes
  }
}
