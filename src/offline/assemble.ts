/**
 * @module
 * Sources → per-pin records → encoded shards and the manifest: the writer side of the contract.
 */

import {
  type BlendParams,
  type Candidate,
  encodeShard,
  FORMAT_VERSION,
  MAX_KV_VALUE_BYTES,
  type Manifest,
  type PinEntry,
  type PinRecord,
  type PopularPin,
  SOURCE_BIT,
  type SourceName,
  sha256Hex,
} from '../core/artifact'
import { shardOf } from '../core/hash'
import { quantizeVector } from '../core/quantize'
import type { Sources } from './candidate-sources'
import { BuildError } from './errors'
import type { PinMeta } from './inputs'
import type { NeighbourLists } from './neighbour-lists'

export type AssembleOptions = {
  /** Pins whose records share one KV value. */
  pinsPerShard: number
  /** Size of the fallback list of popular pins stored in the manifest. */
  popularCount: number
  vectorDtype: 'int8' | 'float32'
}

export const DEFAULT_ASSEMBLE_OPTIONS: AssembleOptions = {
  pinsPerShard: 8,
  popularCount: 100,
  vectorDtype: 'int8',
}

export type Artifacts = { manifest: Manifest; shards: Uint8Array[] }

/** The stored entry (metadata + vector) of every pin. */
function pinEntries(
  ids: string[],
  meta: PinMeta,
  sources: Sources,
  vectorDtype: AssembleOptions['vectorDtype']
): PinEntry[] {
  const p2v = sources.pin2vec
  return ids.map((id, i) => {
    let vector: PinEntry['vector'] = null
    let scale = 1
    if (p2v?.trained[i]) {
      const row = p2v.vectors.subarray(i * p2v.dims, (i + 1) * p2v.dims)
      if (vectorDtype === 'int8') {
        const q = quantizeVector(row)
        vector = q.q
        scale = q.scale
      } else {
        vector = row.slice()
      }
    }
    return {
      id,
      title: meta.title[i] ?? '',
      imageUrl: meta.imageUrl[i] ?? '',
      link: meta.link[i] ?? '',
      engagement: sources.engagement[i]!,
      vector,
      scale,
    }
  })
}

/** Union of every source's neighbours of pin i, with stored scores. */
function candidatesOf(i: number, entries: PinEntry[], sources: Sources): Candidate[] {
  const byIndex = new Map<number, Candidate>()
  const add = (lists: NeighbourLists | null, source: SourceName): void => {
    if (!lists) {
      return
    }
    const base = i * lists.topN
    for (let r = 0; r < lists.counts[i]!; r++) {
      const j = lists.indices[base + r]!
      let c = byIndex.get(j)
      if (!c) {
        c = { pin: entries[j]!, sources: 0, scores: {} }
        byIndex.set(j, c)
      }
      c.sources |= SOURCE_BIT[source]
      if (source !== 'pin2vec') {
        c.scores[source] = lists.scores[base + r]!
      }
    }
  }
  add(sources.cooc, 'cooc')
  add(sources.walk, 'walk')
  add(sources.session, 'session')
  add(sources.pin2vec?.lists ?? null, 'pin2vec')
  return [...byIndex.values()]
}

function popularPins(entries: PinEntry[], sources: Sources, count: number): PopularPin[] {
  const order = entries.map((_, i) => i)
  order.sort(
    (a, b) =>
      sources.engagement[b]! - sources.engagement[a]! ||
      sources.boardDegree[b]! - sources.boardDegree[a]! ||
      a - b
  )
  return order.slice(0, count).map((i) => {
    const e = entries[i]!
    return {
      id: e.id,
      title: e.title,
      imageUrl: e.imageUrl,
      link: e.link,
      engagement: e.engagement,
    }
  })
}

/** Build the manifest and shards for `ids` (dense pin order) from computed sources. */
export async function assembleArtifacts(
  ids: string[],
  meta: PinMeta,
  sources: Sources,
  options: AssembleOptions,
  blend: BlendParams
): Promise<Artifacts> {
  const entries = pinEntries(ids, meta, sources, options.vectorDtype)
  const shardCount = Math.max(1, Math.ceil(ids.length / options.pinsPerShard))
  const byShard: PinRecord[][] = Array.from({ length: shardCount }, () => [])
  entries.forEach((pin, i) => {
    byShard[shardOf(pin.id, shardCount)]!.push({
      pin,
      candidates: candidatesOf(i, entries, sources),
    })
  })
  const dims = sources.pin2vec?.dims ?? 0
  const vectorDtype = sources.pin2vec ? options.vectorDtype : 'none'
  const shards = byShard.map((records) => encodeShard(records, { dims, vectorDtype }))
  const shardInfo = await Promise.all(
    shards.map(async (bytes, index) => {
      if (bytes.length > MAX_KV_VALUE_BYTES) {
        throw new BuildError(
          'write',
          `shard ${index} is ${bytes.length} bytes, above the KV value limit; lower --pins-per-shard`
        )
      }
      return {
        index,
        recordCount: byShard[index]!.length,
        byteLength: bytes.length,
        sha256: await sha256Hex(bytes),
      }
    })
  )
  const present: SourceName[] = []
  if (sources.cooc) {
    present.push('cooc')
  }
  if (sources.pin2vec) {
    present.push('pin2vec')
  }
  if (sources.walk) {
    present.push('walk')
  }
  if (sources.session) {
    present.push('session')
  }
  const body = {
    formatVersion: FORMAT_VERSION,
    pinCount: ids.length,
    shardCount,
    dims,
    vectorDtype,
    sources: present,
    blend,
    popular: popularPins(entries, sources, options.popularCount),
    shards: shardInfo,
  } as const
  // The build id is a content hash, so identical inputs and config give identical keys.
  const buildId = (await sha256Hex(new TextEncoder().encode(JSON.stringify(body)))).slice(0, 16)
  const manifest: Manifest = {
    ...body,
    sources: [...present],
    popular: body.popular,
    shards: body.shards,
    buildId,
    createdAt: new Date().toISOString(),
  }
  return { manifest, shards }
}
