/**
 * @module
 * A small in-memory build from hand-made records (tests, fixtures, examples): fills in what the
 * pipeline would (Pin2Vec scores from vectors, sign signatures, per-source maxima, shard placement)
 * and encodes the shards with the real codec.
 */

import { createHash } from 'node:crypto'
import {
  type Artifacts,
  type BlendParams,
  candidateMaxima,
  encodeShard,
  FORMAT_VERSION,
  type Manifest,
  type PinEntry,
  type PinRecord,
  type PopularPin,
  type SourceName,
  signatureOf,
  storedScore,
  type VectorDtype,
} from '../core/artifact'
import { shardOf } from '../core/hash'
import { cosine } from '../core/quantize'
import { buildIdOf, type ManifestBody } from './assemble'
import { NODE_SHARD_CODECS } from './shard-codecs'

export type RecordsBuildOptions = {
  dims: number
  vectorDtype: VectorDtype
  blend: BlendParams
  sources: SourceName[]
  shardCount?: number
  popular?: PopularPin[]
  maxCandidates?: number
}

const stored = (pin: PinEntry, dims: number): PinEntry => ({
  ...pin,
  vector: null,
  scale: 1,
  signature: pin.signature ?? (pin.vector ? signatureOf(pin.vector, dims) : null),
})

/** Records as the build stores them: candidate vectors become scores and signatures. */
export function storedRecord(record: PinRecord, dims: number): PinRecord {
  const q = record.pin.vector
  const candidates = record.candidates.map((c) => {
    const scores = { ...c.scores }
    if (scores.pin2vec === undefined && q && c.pin.vector) {
      scores.pin2vec = storedScore(Math.max(0, cosine(q, c.pin.vector)))
    }
    return { ...c, pin: stored(c.pin, dims), scores }
  })
  return {
    pin: { ...record.pin, signature: stored(record.pin, dims).signature },
    candidates,
    maxScores: record.maxScores ?? candidateMaxima(candidates),
  }
}

export function artifactsFromRecords(
  records: readonly PinRecord[],
  options: RecordsBuildOptions
): Artifacts {
  const shardCount = options.shardCount ?? 1
  const untagged = {
    formatVersion: FORMAT_VERSION,
    pinCount: records.length,
    shardCount,
    dims: options.dims,
    vectorDtype: options.vectorDtype,
    sources: options.sources,
    blend: options.blend,
    popular: options.popular ?? [],
    maxCandidates: options.maxCandidates ?? 50,
  }
  const shardTag = createHash('sha256').update(JSON.stringify(untagged)).digest('hex').slice(0, 16)
  const body: ManifestBody = { ...untagged, shardTag }
  const byShard: PinRecord[][] = Array.from({ length: shardCount }, () => [])
  for (const r of records) {
    byShard[shardOf(r.pin.id, shardCount)]!.push(storedRecord(r, options.dims))
  }
  const layout = { dims: options.dims, vectorDtype: options.vectorDtype }
  const shards = byShard.map((rs, index) =>
    encodeShard(rs, layout, { index, shardCount, shardTag }, NODE_SHARD_CODECS)
  )
  const digests = shards.map((s) => createHash('sha256').update(s).digest())
  const manifest: Manifest = {
    ...body,
    buildId: buildIdOf(body, digests),
    createdAt: '2026-01-01T00:00:00.000Z',
  }
  return { manifest, shards }
}
