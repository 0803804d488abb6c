/**
 * @module
 * The artifact format: the one contract between the offline build (writer) and the edge worker
 * (reader). Bump FORMAT_VERSION on any incompatible change; readers reject other versions.
 * Documented in docs/artifact-format.md.
 */

export const FORMAT_VERSION = 1 as const

/** Workers KV limits (https://developers.cloudflare.com/kv/platform/limits/). */
export const MAX_KV_VALUE_BYTES = 25 * 1024 * 1024
export const MAX_KV_KEY_BYTES = 512

/** Candidate sources, in the order their bits and stored scores appear in a shard. */
export const SOURCES = ['cooc', 'pin2vec', 'session', 'walk'] as const
export type SourceName = (typeof SOURCES)[number]

/** Bit of each source in a candidate's source mask. */
export const SOURCE_BIT: Record<SourceName, number> = { cooc: 1, pin2vec: 2, session: 4, walk: 8 }

/**
 * Sources whose score is stored in the shard (as uint16 over [0, 1]). Pin2Vec's score is not stored:
 * it is the cosine of the two pins' stored vectors, computed at request time by the same code
 * offline evaluation runs.
 */
export const STORED_SCORE_SOURCES = [
  'cooc',
  'session',
  'walk',
] as const satisfies readonly SourceName[]
export type StoredScoreSource = (typeof STORED_SCORE_SOURCES)[number]

export const BUCKETS = ['tail', 'torso', 'head'] as const
export type Bucket = (typeof BUCKETS)[number]

export type SourceWeights = Record<SourceName, number>

/**
 * A logistic-regression ranker over per-candidate features (core/features.ts): features are
 * standardised with `mean` and `scale`, then p = σ(bias + Σ weights · x).
 */
export type LinearModel = {
  kind: 'logistic'
  features: string[]
  weights: number[]
  bias: number
  mean: number[]
  scale: number[]
}

/**
 * How the worker blends sources. A query pin falls into a popularity bucket by its training
 * engagement count (`engagement <= tailMax` is tail, `<= torsoMax` is torso, else head); each bucket
 * has its own source weights, so long-tail pins can lean on board co-occurrence.
 */
export type BlendParams = {
  buckets: { tailMax: number; torsoMax: number }
  weights: Record<Bucket, SourceWeights>
  /** When present the worker ranks with this model and uses `weights` only as a tie-breaker. */
  model?: LinearModel | null
  /**
   * The session model behind `context` (src/core/session-model.ts): recency weights and a
   * logistic model over its own features; absent = its defaults.
   */
  session?: {
    recencyDecay: number
    contextWeight: number
    model: LinearModel | null
    origin: string
  } | null
  /** Where the parameters came from, e.g. "default" or "validation slice 2024-05-01..". */
  origin: string
}

export type VectorDtype = 'int8' | 'float32' | 'none'

/** A pin as stored once per shard; candidates refer to these entries. */
export type PinEntry = {
  id: string
  title: string
  imageUrl: string
  link: string
  /** Engagement events of this pin in the training data (weighted by action). */
  engagement: number
  /** Pin2Vec vector, int8 (with `scale`) or float32; null when the pin has no embedding. */
  vector: Int8Array | Float32Array | null
  /** Dequantisation scale: value ≈ q * scale. 1 for float32 vectors. */
  scale: number
}

export type Candidate = {
  pin: PinEntry
  /** Bit set of SOURCE_BIT values: which sources proposed this candidate. */
  sources: number
  /** Stored per-source scores in [0, 1]; absent when the source did not propose it. */
  scores: Partial<Record<StoredScoreSource, number>>
}

export type PinRecord = { pin: PinEntry; candidates: Candidate[] }

export type PopularPin = {
  id: string
  title: string
  imageUrl: string
  link: string
  engagement: number
}

export type ShardInfo = { index: number; recordCount: number; byteLength: number; sha256: string }

export type Manifest = {
  formatVersion: typeof FORMAT_VERSION
  /** Content hash of inputs and config; part of every key of this build. */
  buildId: string
  createdAt: string
  pinCount: number
  shardCount: number
  dims: number
  vectorDtype: VectorDtype
  /** Sources present in this build. */
  sources: SourceName[]
  blend: BlendParams
  /** Most engaged pins of the training data, the fallback list. */
  popular: PopularPin[]
  shards: ShardInfo[]
}
