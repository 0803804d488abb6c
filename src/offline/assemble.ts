/**
 * @module
 * Sources → per-pin records → encoded shards and the manifest body: the writer side of the
 * contract. Shards come out one at a time (pins counting-sorted by shard), so no stage holds every
 * KV value; `assembleArtifacts` collects them for small in-memory builds (evaluation, tests).
 */

import { createHash } from 'node:crypto'
import {
  type Artifacts,
  type BlendParams,
  type Candidate,
  encodeShard,
  encodeShardBody,
  FORMAT_VERSION,
  MAX_KV_VALUE_BYTES,
  type Manifest,
  type PinEntry,
  type PinRecord,
  type PopularPin,
  type SealedBody,
  type ShardCodecs,
  type ShardPlace,
  SOURCE_BIT,
  SOURCES,
  type SourceName,
  shardValue,
  signatureBytes,
  signatureOf,
  storedScore,
} from '../core/artifact'
import { blendTop, blendTotals } from '../core/blend'
import { type CandidateColumns, candidateColumns, columnMaxima } from '../core/features'
import { shardOf } from '../core/hash'
import { cosineOfDot, cosineRows, quantizeVector, squaredRowNorms } from '../core/quantize'
import type { Sources } from './candidate-sources'
import { BuildError } from './errors'
import type { PinMeta } from './inputs'
import type { NeighbourLists } from './neighbour-lists'
import { PinEntries } from './pin-entries'
import { int8DotTable } from './pin2vec/dot-kernel'
import type { ShardSealer } from './seal-pool'
import { NODE_SHARD_CODECS } from './shard-codecs'
import { type ShardSlice, WHOLE } from './slice'

export type AssembleOptions = {
  /** Pins whose records share one KV value, on average (pins fall into shards by hash). */
  pinsPerShard: number
  /** Size of the fallback list of popular pins stored in the manifest. */
  popularCount: number
  vectorDtype: 'int8' | 'float32'
  /** Candidates stored per pin, the best by the served blend (so the most results per seed). */
  maxCandidates: number
  /** Byte budget of one shard value: a crowded shard stores fewer candidates per pin to fit. */
  maxShardBytes: number
}

/**
 * Chosen on the generated 100k world (docs/artifact-format.md#sizes): 4 pins per shard keeps a
 * cold read near 16 KiB; 50 candidates is 2.5 × the default k of 20.
 */
export const DEFAULT_ASSEMBLE_OPTIONS: AssembleOptions = {
  pinsPerShard: 4,
  popularCount: 100,
  vectorDtype: 'int8',
  maxCandidates: 50,
  maxShardBytes: 32 * 1024,
}

/** The popular list may use this much of the manifest; the rest of the manifest is small. */
export const POPULAR_BUDGET_BYTES = 32 * 1024

export type ManifestBody = Omit<Manifest, 'buildId' | 'createdAt'>

export type ShardOut = {
  index: number
  value: Uint8Array
  recordCount: number
  /** Candidates dropped from this shard's records to fit `maxShardBytes`. */
  trimmedCandidates: number
}

export type ArtifactPlan = {
  body: ManifestBody
  /** Popular pins dropped to keep the manifest within POPULAR_BUDGET_BYTES. */
  popularTrimmed: number
  /** The shards in index order; with a slice, only the shards s with s mod n = i. */
  shards(slice?: ShardSlice): Generator<ShardOut>
  /** The same shards, byte for byte, with their bodies compressed and hashed by `sealer`. */
  sealedShards(sealer: ShardSealer, slice?: ShardSlice): AsyncGenerator<ShardOut>
}

/** int8 (or float32) vectors and sign signatures of every trained pin, computed once. */
type Vectors = {
  dims: number
  dtype: 'int8' | 'float32' | 'none'
  rows: (i: number) => Int8Array | Float32Array | null
  scale: Float32Array
  signature: (i: number) => Uint8Array | null
  /**
   * out[k] = cosine(rows(i), rows(members[k])) for k < count (at most the capacity given to
   * storedVectors), NaN when either pin has no vector.
   */
  cosines: (i: number, members: Int32Array, count: number, out: Float64Array) => void
}

/** `capacity`: the most members one cosines() call scores (the longest candidate union). */
function storedVectors(sources: Sources, dtype: 'int8' | 'float32', capacity: number): Vectors {
  const p2v = sources.pin2vec
  if (!p2v) {
    return {
      dims: 0,
      dtype: 'none',
      rows: () => null,
      scale: new Float32Array(0),
      signature: () => null,
      cosines: (_i, _members, count, out) => out.fill(Number.NaN, 0, count),
    }
  }
  const { dims, trained } = p2v
  const n = trained.length
  // The int8 rows live in the dot kernel's memory when it can take them (see dot-kernel.ts).
  const kernel = dtype === 'int8' ? int8DotTable(n, dims, capacity) : null
  const q = kernel?.table ?? new Int8Array(n * dims)
  const scale = new Float32Array(n).fill(1)
  const sigBytes = signatureBytes(dims)
  const sigs = new Uint8Array(n * sigBytes)
  for (let i = 0; i < n; i++) {
    if (!trained[i]) {
      continue
    }
    const row = p2v.vectors.subarray(i * dims, (i + 1) * dims)
    const qi = quantizeVector(row)
    q.set(qi.q, i * dims)
    scale[i] = qi.scale
    sigs.set(signatureOf(qi.q, dims), i * sigBytes)
  }
  const table = dtype === 'int8' ? q : p2v.vectors
  const norms = squaredRowNorms(table, dims)
  return {
    dims,
    dtype,
    rows: (i) => (trained[i] ? table.subarray(i * dims, (i + 1) * dims) : null),
    scale,
    signature: (i) => (trained[i] ? sigs.subarray(i * sigBytes, (i + 1) * sigBytes) : null),
    cosines(i, members, count, out) {
      if (!trained[i]) {
        out.fill(Number.NaN, 0, count)
        return
      }
      if (!kernel) {
        for (let k = 0; k < count; k++) {
          const j = members[k]!
          out[k] = trained[j] ? cosineRows(table, norms, i, j, dims) : Number.NaN
        }
        return
      }
      // cosineRows' arithmetic with the kernel's (exact, integer) dot products.
      const dots = kernel.dots(i, members, count)
      for (let k = 0; k < count; k++) {
        const j = members[k]!
        out[k] = trained[j] ? cosineOfDot(dots[k]!, norms[i]!, norms[j]!) : Number.NaN
      }
    },
  }
}

function entryOf(i: number, ids: string[], meta: PinMeta, sources: Sources, v: Vectors): PinEntry {
  return {
    id: ids[i]!,
    title: meta.title[i] ?? '',
    imageUrl: meta.imageUrl[i] ?? '',
    link: meta.link[i] ?? '',
    engagement: sources.engagement[i]!,
    recentEngagement: sources.recentEngagement[i]!,
    vector: null,
    scale: 1,
    signature: v.signature(i),
  }
}

/**
 * The candidate union of the pin being ranked: `slot[j]` is pin j's position in it when
 * `stamp[j]` is the current pin's stamp; `members[k]` is the pin at position k, and `cols` holds
 * what ranking reads of each (capacity: the longest possible union). Reused for every pin of a
 * plan, so ranking a pin's whole union allocates nothing per candidate.
 */
type UnionScratch = {
  slot: Int32Array
  stamp: Int32Array
  next: number
  members: Int32Array
  /** Pin2Vec cosine of each member (NaN: no vector). */
  cosines: Float64Array
  cols: CandidateColumns
}

const unionScratch = (n: number, capacity: number): UnionScratch => ({
  slot: new Int32Array(n),
  stamp: new Int32Array(n),
  next: 0,
  members: new Int32Array(capacity),
  cosines: new Float64Array(capacity),
  cols: candidateColumns(capacity),
})

/** The longest union a pin can have: every source's list length, added. */
const unionCapacity = (sources: Sources): number =>
  [sources.cooc, sources.walk, sources.session, sources.pin2vec?.lists ?? null].reduce(
    (total, lists) => total + (lists?.topN ?? 0),
    0
  )

const SOURCE_COLUMN = Object.fromEntries(SOURCES.map((s, j) => [s, j])) as Record<
  SourceName,
  number
>

/**
 * Union of every source's neighbours of pin i into `scratch`, in first-proposed order, with
 * scores as the reader will decode them (uint16-rounded) and as sourceScores() reads them (0 for
 * a source that did not propose the pin); Pin2Vec's is the cosine of the two stored vectors, for
 * every candidate with a vector. Returns the union's length.
 */
function candidateUnion(i: number, sources: Sources, v: Vectors, scratch: UnionScratch): number {
  const { members, cols } = scratch
  const width = SOURCES.length
  scratch.next++
  let count = 0
  count = addSource(i, sources.cooc, 'cooc', sources, scratch, count)
  count = addSource(i, sources.walk, 'walk', sources, scratch, count)
  count = addSource(i, sources.session, 'session', sources, scratch, count)
  count = addSource(i, sources.pin2vec?.lists ?? null, 'pin2vec', sources, scratch, count)
  const p2v = SOURCE_COLUMN.pin2vec
  const cosines = scratch.cosines
  v.cosines(i, members, count, cosines)
  for (let k = 0; k < count; k++) {
    const cos = cosines[k]!
    cols.scores[k * width + p2v] = Number.isNaN(cos) ? 0 : storedScore(Math.max(0, cos))
  }
  cols.count = count
  return count
}

/** Add one source's neighbours of pin i to the union of `count` members; returns the new count. */
function addSource(
  i: number,
  lists: NeighbourLists | null,
  source: SourceName,
  pins: Pick<Sources, 'engagement' | 'recentEngagement'>,
  scratch: UnionScratch,
  count: number
): number {
  if (!lists) {
    return count
  }
  const { members, cols } = scratch
  const width = SOURCES.length
  const stamp = scratch.next
  const base = i * lists.topN
  const bit = SOURCE_BIT[source]
  const column = SOURCE_COLUMN[source]
  for (let r = 0; r < lists.counts[i]!; r++) {
    const j = lists.indices[base + r]!
    let k: number
    if (scratch.stamp[j] === stamp) {
      k = scratch.slot[j]!
    } else {
      k = count++
      scratch.stamp[j] = stamp
      scratch.slot[j] = k
      members[k] = j
      cols.bits[k] = 0
      cols.scores.fill(0, k * width, (k + 1) * width)
      cols.engagement[k] = pins.engagement[j]!
      cols.recent[k] = pins.recentEngagement[j]!
    }
    cols.bits[k]! |= bit
    if (source !== 'pin2vec') {
      cols.scores[k * width + column] = storedScore(lists.scores[base + r]!)
    }
  }
  return count
}

/** Drop union position `at` (the pin itself), moving the later positions down by one. */
function dropPosition(scratch: UnionScratch, at: number): void {
  const { members, cols } = scratch
  const width = SOURCES.length
  members.copyWithin(at, at + 1, cols.count)
  cols.bits.copyWithin(at, at + 1, cols.count)
  cols.engagement.copyWithin(at, at + 1, cols.count)
  cols.recent.copyWithin(at, at + 1, cols.count)
  cols.scores.copyWithin(at * width, (at + 1) * width, cols.count * width)
  cols.count--
}

/**
 * The record of pin i with its best `keep` candidates in served-blend order. The whole union is
 * ranked from columns by the functions the worker ranks with (blendTotals, blendTop); candidate
 * objects are made for the kept ones only. Its maxima are over the whole union, as the reader's
 * `relative:` features expect.
 */
function rankedRecord(
  i: number,
  own: PinEntry,
  ids: string[],
  entry: (j: number) => PinEntry,
  sources: Sources,
  v: Vectors,
  blend: BlendParams,
  scratch: UnionScratch,
  keep: number
): PinRecord {
  candidateUnion(i, sources, v, scratch)
  const { members, cols } = scratch
  const maxScores = columnMaxima(cols)
  // rankOrder never returns the pin itself.
  if (scratch.stamp[i] === scratch.next) {
    dropPosition(scratch, scratch.slot[i]!)
  }
  const totals = blendTotals({ engagement: own.engagement, maxScores }, cols, blend)
  const order = blendTop(totals, (k) => ids[members[k]!]!, keep)
  // Plain loops, no closure per candidate: tsx names every function it creates (__name), and a
  // closure per candidate showed in the write stage's profile.
  const width = SOURCES.length
  const kept = Math.min(keep, order.length)
  const candidates: Candidate[] = new Array(kept)
  for (let r = 0; r < kept; r++) {
    const k = order[r]!
    const bits = cols.bits[k]!
    const at = k * width
    candidates[r] = {
      pin: entry(members[k]!),
      sources: bits,
      scores: {
        cooc: bits & SOURCE_BIT.cooc ? cols.scores[at + SOURCE_COLUMN.cooc] : undefined,
        pin2vec: cols.scores[at + SOURCE_COLUMN.pin2vec],
        session: bits & SOURCE_BIT.session ? cols.scores[at + SOURCE_COLUMN.session] : undefined,
        walk: bits & SOURCE_BIT.walk ? cols.scores[at + SOURCE_COLUMN.walk] : undefined,
      },
    }
  }
  return { pin: own, candidates, maxScores }
}

function popularPins(
  ids: string[],
  entry: (j: number) => PinEntry,
  sources: Sources,
  count: number
): { popular: PopularPin[]; trimmed: number } {
  const order = ids.map((_, i) => i)
  order.sort(
    (a, b) =>
      sources.engagement[b]! - sources.engagement[a]! ||
      sources.boardDegree[b]! - sources.boardDegree[a]! ||
      a - b
  )
  const popular: PopularPin[] = []
  let bytes = 2
  for (const i of order.slice(0, count)) {
    const e = entry(i)
    const p = {
      id: e.id,
      title: e.title,
      imageUrl: e.imageUrl,
      link: e.link,
      engagement: e.engagement,
    }
    bytes += JSON.stringify(p).length + 1
    if (bytes > POPULAR_BUDGET_BYTES) {
      break
    }
    popular.push(p)
  }
  return { popular, trimmed: Math.min(count, ids.length) - popular.length }
}

const hex16 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex').slice(0, 16)

/** Pins of each shard, by counting sort of `shardOf(id)`: offsets[s]..offsets[s+1] in `order`. */
type ShardPins = { order: Int32Array; offsets: Int32Array }

function pinsByShard(ids: string[], shardCount: number): ShardPins {
  const shardOfPin = new Int32Array(ids.length)
  const offsets = new Int32Array(shardCount + 1)
  ids.forEach((id, i) => {
    const s = shardOf(id, shardCount)
    shardOfPin[i] = s
    offsets[s + 1]!++
  })
  for (let s = 0; s < shardCount; s++) {
    offsets[s + 1]! += offsets[s]!
  }
  const next = offsets.slice(0, shardCount)
  const order = new Int32Array(ids.length)
  for (let i = 0; i < ids.length; i++) {
    order[next[shardOfPin[i]!]!++] = i
  }
  return { order, offsets }
}

/**
 * Which pins get a record. The blend fit reads only its query pins' records: at 1M pins, encoding
 * every pin's uncapped list for it cost more than the fit itself. Default: every pin.
 */
export type RecordSelection = {
  recordsFor?: Uint8Array
  /**
   * How shard bodies are sealed (default: deflate-raw at SHARD_DEFLATE_LEVEL and SHA-256). The
   * blend fit reads its shards in memory right away, so it seals them uncompressed: deflate was
   * most of its assemble.
   */
  codecs?: ShardCodecs
}

/** Plan a build: the manifest body now, the shards one by one on demand. */
export function planArtifacts(
  ids: string[],
  meta: PinMeta,
  sources: Sources,
  options: AssembleOptions,
  blend: BlendParams,
  { recordsFor, codecs = NODE_SHARD_CODECS }: RecordSelection = {}
): ArtifactPlan {
  if (!Number.isInteger(options.maxCandidates) || options.maxCandidates < 1) {
    throw new BuildError(
      'config',
      `maxCandidates must be a positive integer, got ${options.maxCandidates}`
    )
  }
  const v = storedVectors(sources, options.vectorDtype, unionCapacity(sources))
  const entries = new PinEntries(
    ids.length,
    (j) => entryOf(j, ids, meta, sources, v),
    v.dtype === 'none' ? 0 : signatureBytes(v.dims)
  )
  const entry = (j: number): PinEntry => entries.entry(j)
  const shardCount = Math.max(1, Math.ceil(ids.length / options.pinsPerShard))
  const present = (['cooc', 'pin2vec', 'walk', 'session'] as const).filter((s) =>
    s === 'pin2vec' ? Boolean(sources.pin2vec) : Boolean(sources[s])
  )
  const { popular, trimmed } = popularPins(ids, entry, sources, options.popularCount)
  const untagged = {
    formatVersion: FORMAT_VERSION,
    pinCount: ids.length,
    shardCount,
    dims: v.dims,
    vectorDtype: v.dtype,
    sources: [...present],
    blend,
    popular,
    maxCandidates: options.maxCandidates,
  }
  const shardTag = hex16(createHash('sha256').update(JSON.stringify(untagged)).digest())
  const body: ManifestBody = { ...untagged, shardTag }
  const layout = { dims: v.dims, vectorDtype: v.dtype }
  const budget = Math.min(options.maxShardBytes, MAX_KV_VALUE_BYTES)
  const placeOf = (s: number): ShardPlace => ({ index: s, shardCount, shardTag })
  /** The ranked records of shard s, at most maxCandidates candidates each. */
  let scratch: UnionScratch | null = null
  const recordsOf = (s: number, { order, offsets }: ShardPins): PinRecord[] => {
    scratch ??= unionScratch(ids.length, unionCapacity(sources))
    const records: PinRecord[] = []
    for (let k = offsets[s]!; k < offsets[s + 1]!; k++) {
      const i = order[k]!
      if (recordsFor && recordsFor[i] !== 1) {
        continue
      }
      const own = { ...entry(i), vector: v.rows(i), scale: v.scale[i] ?? 1 }
      records.push(
        rankedRecord(i, own, ids, entry, sources, v, blend, scratch, options.maxCandidates)
      )
    }
    return records
  }
  const capped = (records: PinRecord[], cap: number): PinRecord[] =>
    records.map((r) => ({ ...r, candidates: r.candidates.slice(0, cap) }))
  /**
   * Shard s from `value`, its encoding at maxCandidates: hash buckets are Poisson-sized, so a
   * crowded shard is re-encoded with fewer candidates per pin until it fits the budget.
   */
  const fitted = (s: number, records: PinRecord[], value: Uint8Array): ShardOut => {
    let cap = options.maxCandidates
    while (value.length > budget && cap > 0) {
      cap = Math.floor(cap * 0.8)
      value = encodeShard(capped(records, cap), layout, placeOf(s), codecs, entries.encodedEntry)
    }
    if (value.length > budget) {
      throw new BuildError(
        'write',
        `shard ${s} is ${value.length} bytes without candidates, above the ${budget}-byte budget; lower --pins-per-shard or raise --max-shard-bytes`
      )
    }
    const full = records.reduce(
      (a, r) => a + Math.min(r.candidates.length, options.maxCandidates),
      0
    )
    const kept = records.reduce((a, r) => a + Math.min(r.candidates.length, cap), 0)
    return { index: s, value, recordCount: records.length, trimmedCandidates: full - kept }
  }
  function* shards(slice: ShardSlice = WHOLE): Generator<ShardOut> {
    const pins = pinsByShard(ids, shardCount)
    for (let s = slice.index; s < shardCount; s += slice.count) {
      const records = recordsOf(s, pins)
      const first = encodeShard(
        capped(records, options.maxCandidates),
        layout,
        placeOf(s),
        codecs,
        entries.encodedEntry
      )
      yield fitted(s, records, first)
    }
  }
  async function* sealedShards(
    sealer: ShardSealer,
    slice: ShardSlice = WHOLE
  ): AsyncGenerator<ShardOut> {
    const pins = pinsByShard(ids, shardCount)
    // Shards in flight: enough to keep every sealing thread busy while this thread ranks and
    // encodes the next ones, few enough that their records stay a few MB.
    const depth = Math.max(2, 8 * sealer.threads)
    type InFlight = {
      s: number
      records: PinRecord[]
      rawBytes: number
      sealed: Promise<SealedBody>
    }
    const window: InFlight[] = []
    const finish = async (job: InFlight): Promise<ShardOut> => {
      const sealed = await job.sealed
      const first = shardValue(sealed, job.rawBytes, job.records.length, layout, placeOf(job.s))
      return fitted(job.s, job.records, first)
    }
    for (let s = slice.index; s < shardCount; s += slice.count) {
      const records = recordsOf(s, pins)
      const raw = encodeShardBody(
        capped(records, options.maxCandidates),
        layout,
        entries.encodedEntry
      )
      const rawBytes = raw.length
      const sealed = sealer.seal(raw)
      // A failed pool rejects every shard in flight; only the first one awaited reports it.
      sealed.catch(() => {})
      window.push({ s, records, rawBytes, sealed })
      if (window.length >= depth) {
        yield await finish(window.shift()!)
      }
    }
    while (window.length > 0) {
      yield await finish(window.shift()!)
    }
  }
  return { body, popularTrimmed: trimmed, shards, sealedShards }
}

/** The build id: a content hash of the manifest body and every shard's SHA-256, in order. */
export function buildIdOf(body: ManifestBody, shardDigests: Iterable<Uint8Array>): string {
  const h = createHash('sha256').update(JSON.stringify(body))
  for (const d of shardDigests) {
    h.update(d)
  }
  return h.digest('hex').slice(0, 16)
}

/**
 * The build id of a sliced build (`--shard-slice`): a content hash of what determines the output
 * (the manifest body, the settings not in it, the input files' SHA-256), known to every slice
 * before it encodes a shard, where `buildIdOf` needs every shard's digest.
 */
export function slicedBuildIdOf(body: ManifestBody, determinants: object): string {
  return createHash('sha256')
    .update('related-pins sliced build\n')
    .update(JSON.stringify(body))
    .update(JSON.stringify(determinants))
    .digest('hex')
    .slice(0, 16)
}

/** Assemble a whole build in memory (small builds only: evaluation and tests). */
export async function assembleArtifacts(
  ids: string[],
  meta: PinMeta,
  sources: Sources,
  options: AssembleOptions,
  blend: BlendParams,
  selection: RecordSelection = {}
): Promise<Artifacts> {
  const plan = planArtifacts(ids, meta, sources, options, blend, selection)
  const shards: Uint8Array[] = []
  const digests: Uint8Array[] = []
  for (const shard of plan.shards()) {
    shards.push(shard.value)
    digests.push(createHash('sha256').update(shard.value).digest())
  }
  const manifest: Manifest = {
    ...plan.body,
    buildId: buildIdOf(plan.body, digests),
    createdAt: new Date().toISOString(),
  }
  return { manifest, shards }
}
