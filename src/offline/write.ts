/**
 * @module
 * Writes a build to a directory shard by shard and reads it back: shards/NNNNNN.bin (neutral
 * names: the build id is only known once every shard is hashed), manifest.json, kv-bulk/NNNNNN.json
 * (the `wrangler kv bulk put` format, ≤ 10,000 pairs and ≤ 100 MB per file, one pair per line, keys
 * in safe write order with the pointer last in the last file) and report.json. Nothing here holds
 * more than one shard, or one line of a bulk file, at a time.
 */

import { createHash } from 'node:crypto'
import { createReadStream, readFileSync, writeFileSync } from 'node:fs'
import { mkdir, open, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import {
  type Artifacts,
  CURRENT_KEY,
  kvWriteOrder,
  MAX_MANIFEST_BYTES,
  type Manifest,
  openShardSync,
  parseManifest,
} from '../core/artifact'
import { ArtifactError } from '../core/errors'
import { type ArtifactPlan, buildIdOf, type ShardOut } from './assemble'
import { BuildError } from './errors'
import type { Logger } from './log'
import { defaultSealThreads, startSealPool } from './seal-pool'
import { NODE_SHARD_READ } from './shard-codecs'

/** Cloudflare's bulk write limits per request (https://developers.cloudflare.com/kv/platform/limits/). */
export const KV_BULK_LIMITS = { maxPairs: 10_000, maxBytes: 100_000_000 }
export type KvBulkLimits = typeof KV_BULK_LIMITS

/** One line of a kv-bulk file. `metadata.sha256` lets `upload` skip pairs already in KV. */
export type KvBulkPair = {
  key: string
  value: string
  base64?: true
  metadata: { sha256: string; build: string; createdAt?: string }
}

export type WriteStats = {
  shards: number
  /** Pin records in the shards written. */
  records: number
  shardBytes: number
  maxShardBytes: number
  /** Largest shard value divided by its record count (an upper bound of a pin's share). */
  maxBytesPerPin: number
  trimmedCandidates: number
  shardsTrimmed: number
  popularTrimmed: number
  manifestBytes: number
  kvBulkFiles: number
}

const pad = (i: number): string => String(i).padStart(6, '0')
/** The size and trimming figures of report.json's `counts`, over `pins` pin records written. */
export function writeCounts(stats: WriteStats, pins: number) {
  return {
    shardBytes: stats.shardBytes,
    bytesPerPin: Math.round(stats.shardBytes / Math.max(1, pins)),
    maxShardBytes: stats.maxShardBytes,
    maxBytesPerPin: Math.round(stats.maxBytesPerPin),
    manifestBytes: stats.manifestBytes,
    kvBulkFiles: stats.kvBulkFiles,
    /** Candidates dropped so that crowded shards fit the per-value byte budget. */
    trimmedCandidates: stats.trimmedCandidates,
    shardsTrimmed: stats.shardsTrimmed,
    popularTrimmed: stats.popularTrimmed,
  }
}

export const shardFile = (dir: string, i: number): string => join(dir, 'shards', `${pad(i)}.bin`)
export const bulkDir = (dir: string): string => join(dir, 'kv-bulk')
/** Per-slice reports of a sliced build (`slices/slice-1-of-3.json`), see write-slice.ts. */
export const slicesDir = (dir: string): string => join(dir, 'slices')
/**
 * The last kv-bulk file of a sliced build: the manifests and the pointer, written by slice 0 only.
 * Named so that it sorts after every shard file (see kvBulkFiles).
 */
export const FINAL_BULK_FILE = 'manifest-and-pointer.json'

export const sha256Hex = (bytes: Uint8Array | string): string =>
  createHash('sha256').update(bytes).digest('hex')

/** Pending text a BulkWriter gathers before one write: far fewer awaits, still bounded. */
const BULK_WRITE_CHUNK = 1 << 20

/** Appends pairs to kv-bulk/NNNNNN.json, starting a new file before a limit would be crossed. */
export class BulkWriter {
  private file: Awaited<ReturnType<typeof open>> | null = null
  private pairs = 0
  private bytes = 0
  /** Text not yet written to `file`, at most about BULK_WRITE_CHUNK characters plus one line. */
  private pending: string[] = []
  private pendingLength = 0
  readonly files: string[] = []

  /** Files are `<prefix>NNNNNN.json` in `dir` (a slice's prefix keeps the slices' files apart). */
  constructor(
    private readonly dir: string,
    private readonly limits: KvBulkLimits,
    private readonly prefix = ''
  ) {}

  async add(pair: KvBulkPair): Promise<void> {
    const line = JSON.stringify(pair)
    const size = Buffer.byteLength(line) + 2
    if (size + 4 > this.limits.maxBytes) {
      throw new BuildError(
        'write',
        `${pair.key} is ${size} bytes in JSON, over the bulk file limit`
      )
    }
    if (
      this.file &&
      (this.pairs >= this.limits.maxPairs || this.bytes + size + 2 > this.limits.maxBytes)
    ) {
      await this.close()
    }
    if (!this.file) {
      const path = join(this.dir, `${this.prefix}${pad(this.files.length)}.json`)
      this.file = await open(path, 'w')
      this.files.push(path)
      this.push('[\n')
      this.bytes = 2
      this.pairs = 0
    }
    this.push(`${this.pairs > 0 ? ',\n' : ''}${line}`)
    this.pairs++
    this.bytes += size
    if (this.pendingLength >= BULK_WRITE_CHUNK) {
      await this.flush()
    }
  }

  async close(): Promise<void> {
    if (this.file) {
      this.push('\n]\n')
      await this.flush()
      await this.file.close()
      this.file = null
    }
  }

  private push(text: string): void {
    this.pending.push(text)
    this.pendingLength += text.length
  }

  private async flush(): Promise<void> {
    if (this.file && this.pending.length > 0) {
      const text = this.pending.join('')
      this.pending = []
      this.pendingLength = 0
      await this.file.writeFile(text)
    }
  }
}

export type WriteOptions = {
  limits?: KvBulkLimits
  log: Logger
  /**
   * Threads that compress and hash shard bodies while this one ranks and encodes (default
   * defaultSealThreads(); 0 = all on this thread). The bytes do not depend on it.
   */
  threads?: number
}

export const emptyStats = (popularTrimmed: number): WriteStats => ({
  shards: 0,
  records: 0,
  shardBytes: 0,
  maxShardBytes: 0,
  maxBytesPerPin: 0,
  trimmedCandidates: 0,
  shardsTrimmed: 0,
  popularTrimmed,
  manifestBytes: 0,
  kvBulkFiles: 0,
})

/** Add one written shard to the size stats. */
export function countShard(stats: WriteStats, shard: ShardOut): void {
  stats.shards++
  stats.records += shard.recordCount
  stats.shardBytes += shard.value.length
  stats.maxShardBytes = Math.max(stats.maxShardBytes, shard.value.length)
  if (shard.recordCount > 0) {
    stats.maxBytesPerPin = Math.max(stats.maxBytesPerPin, shard.value.length / shard.recordCount)
  }
  stats.trimmedCandidates += shard.trimmedCandidates
  stats.shardsTrimmed += shard.trimmedCandidates > 0 ? 1 : 0
}

/** The manifest's JSON size, failing the build above MAX_MANIFEST_BYTES. */
export function checkedManifestBytes(manifest: Manifest): number {
  const bytes = Buffer.byteLength(JSON.stringify(manifest))
  if (bytes > MAX_MANIFEST_BYTES) {
    throw new BuildError(
      'write',
      `the manifest is ${bytes} bytes, over the ${MAX_MANIFEST_BYTES}-byte limit every cold isolate can afford to parse; shorten pin titles/URLs in the popular list or lower the popular count`
    )
  }
  return bytes
}

/** Stream a planned build to `dir`; returns its manifest, the files written and size stats. */
export async function writeBuild(
  plan: ArtifactPlan,
  dir: string,
  options: WriteOptions
): Promise<{ manifest: Manifest; files: string[]; stats: WriteStats }> {
  const { log } = options
  await rm(join(dir, 'shards'), { recursive: true, force: true })
  await rm(bulkDir(dir), { recursive: true, force: true })
  await rm(join(dir, 'kv-bulk.json'), { force: true }) // format v1 wrote one file
  await rm(slicesDir(dir), { recursive: true, force: true }) // a sliced build's reports
  await mkdir(join(dir, 'shards'), { recursive: true })
  await mkdir(bulkDir(dir), { recursive: true })
  const digests: Buffer[] = []
  const stats = emptyStats(plan.popularTrimmed)
  const counter = log.counter('write', 'shards encoded', {
    total: plan.body.shardCount,
    unit: 'shards',
  })
  const sealer = startSealPool(options.threads ?? defaultSealThreads())
  try {
    for await (const shard of plan.sealedShards(sealer)) {
      // Synchronous: one small file per shard, and each async write was three thread-pool round
      // trips (open, write, close) that this thread then waited for; the sealing threads go on.
      writeFileSync(shardFile(dir, shard.index), shard.value)
      digests[shard.index] = createHash('sha256').update(shard.value).digest()
      countShard(stats, shard)
      counter.add()
    }
  } finally {
    await sealer.close()
  }
  counter.end(
    `${stats.records.toLocaleString('en')} pins, ${stats.shardBytes.toLocaleString('en')} bytes, ${sealer.threads} sealing threads`
  )
  const manifest: Manifest = {
    ...plan.body,
    buildId: buildIdOf(plan.body, digests),
    createdAt: new Date().toISOString(),
  }
  stats.manifestBytes = checkedManifestBytes(manifest)
  await writeFile(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`)
  // The digests the build id was hashed from are the bulk metadata's: each shard is hashed once.
  const bulk = await writeKvBulk(manifest, dir, options, digests)
  stats.kvBulkFiles = bulk.length
  return {
    manifest,
    files: [
      join(dir, 'shards/'),
      join(dir, 'manifest.json'),
      `${bulkDir(dir)}/ (${bulk.length} files)`,
    ],
    stats,
  }
}

/**
 * kv-bulk/ files of the build in `dir`, read back shard by shard in write order. `digests[i]` is
 * shard i's SHA-256 when the caller already has it (writeBuild); else each shard is hashed here.
 */
async function writeKvBulk(
  manifest: Manifest,
  dir: string,
  options: WriteOptions,
  digests?: readonly Buffer[]
): Promise<string[]> {
  const writer = new BulkWriter(bulkDir(dir), options.limits ?? KV_BULK_LIMITS)
  const build = manifest.buildId
  const counter = options.log.counter('write', 'kv-bulk pairs', {
    total: manifest.shardCount,
    unit: 'pairs',
  })
  for (const item of kvWriteOrder(manifest)) {
    if (item.phase === 'shards') {
      const bytes = readFileSync(shardFile(dir, item.shard))
      await writer.add(shardPair(item.key, bytes, build, digests?.[item.shard]?.toString('hex')))
      counter.add()
    } else {
      await writer.add(textPair(manifest, item.key, item.value))
    }
  }
  await writer.close()
  counter.end(`${writer.files.length} files`)
  return writer.files
}

function textPair(manifest: Manifest, key: string, value: string): KvBulkPair {
  return {
    key,
    value,
    metadata: {
      sha256: sha256Hex(value),
      build: manifest.buildId,
      ...(key === CURRENT_KEY ? {} : { createdAt: manifest.createdAt }),
    },
  }
}

/** The pairs after the shards, in write order: the v1 stub, the manifest, the pointer last. */
export function manifestPairs(manifest: Manifest): KvBulkPair[] {
  const pairs: KvBulkPair[] = []
  for (const item of kvWriteOrder(manifest)) {
    if (item.phase !== 'shards') {
      pairs.push(textPair(manifest, item.key, item.value))
    }
  }
  return pairs
}

/** The shard pair of one encoded shard value; `sha256` (hex) when already computed. */
export const shardPair = (
  key: string,
  bytes: Uint8Array,
  build: string,
  sha256: string = sha256Hex(bytes)
): KvBulkPair => ({
  key,
  value: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64'),
  base64: true,
  metadata: { sha256, build },
})

/** Write an in-memory build (tests, fixtures) the way the streaming build does. */
export async function writeArtifacts(
  artifacts: Artifacts,
  dir: string,
  options: WriteOptions
): Promise<string[]> {
  await rm(join(dir, 'shards'), { recursive: true, force: true })
  await mkdir(join(dir, 'shards'), { recursive: true })
  await mkdir(dir, { recursive: true })
  for (const [index, value] of artifacts.shards.entries()) {
    await writeFile(shardFile(dir, index), value)
  }
  await rm(bulkDir(dir), { recursive: true, force: true })
  await mkdir(bulkDir(dir), { recursive: true })
  await writeFile(join(dir, 'manifest.json'), `${JSON.stringify(artifacts.manifest, null, 2)}\n`)
  return writeKvBulk(artifacts.manifest, dir, options)
}

export async function writeReport(dir: string, report: unknown): Promise<string> {
  const path = join(dir, 'report.json')
  await writeFile(path, `${JSON.stringify(report, null, 2)}\n`)
  return path
}

/** The manifest of an artifacts directory, with a clear error when there is none. */
export async function readManifest(dir: string): Promise<Manifest> {
  try {
    return parseManifest(JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')))
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new ArtifactError(
        'manifest_missing',
        `${join(dir, 'manifest.json')} not found: run \`npx related-pins build\` first`
      )
    }
    throw err
  }
}

/**
 * The kv-bulk files of a directory, in write order: a whole build's `NNNNNN.json`, or a sliced
 * build's `slice-i-of-n-NNNNNN.json` (shards only, by slice then number) and then
 * FINAL_BULK_FILE (manifests and pointer), so the pointer is always the last pair.
 */
export async function kvBulkFiles(dir: string): Promise<string[]> {
  try {
    const names = await readdir(bulkDir(dir))
    const whole = names.filter((n) => /^\d{6}\.json$/.test(n)).sort()
    const key = (n: string): number[] => (/\d+/g[Symbol.match](n) ?? []).map(Number)
    const sliced = names
      .filter((n) => /^slice-\d+-of-\d+-\d{6}\.json$/.test(n))
      .sort((a, b) => {
        const [x, y] = [key(a), key(b)]
        return x[1]! - y[1]! || x[0]! - y[0]! || x[2]! - y[2]!
      })
    const last = names.includes(FINAL_BULK_FILE) ? [FINAL_BULK_FILE] : []
    return [...whole, ...sliced, ...last].map((n) => join(bulkDir(dir), n))
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new ArtifactError(
        'manifest_missing',
        `${bulkDir(dir)} not found: rebuild with this related-pins version (format v1 wrote kv-bulk.json)`
      )
    }
    throw err
  }
}

/** The pairs of one kv-bulk file, one line at a time (each line is one pair). */
export async function* readKvBulk(file: string): AsyncGenerator<KvBulkPair> {
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity })
  let n = 0
  for await (const raw of lines) {
    n++
    const line = raw.endsWith(',') ? raw.slice(0, -1) : raw
    if (line === '[' || line === ']' || line === '') {
      continue
    }
    try {
      yield JSON.parse(line) as KvBulkPair
    } catch (cause) {
      throw new ArtifactError('manifest_invalid', `${file}:${n}: not a kv-bulk pair`, { cause })
    }
  }
}

/** Read a small artifacts directory into memory, verifying every shard (tests, evaluation). */
export async function readArtifacts(dir: string): Promise<Artifacts> {
  const manifest = await readManifest(dir)
  const shards: Uint8Array[] = []
  for (let i = 0; i < manifest.shardCount; i++) {
    const bytes = new Uint8Array(await readFile(shardFile(dir, i)))
    openShardSync(
      bytes,
      { index: i, shardCount: manifest.shardCount, shardTag: manifest.shardTag },
      NODE_SHARD_READ
    )
    shards.push(bytes)
  }
  return { manifest, shards }
}
