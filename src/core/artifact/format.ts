/**
 * @module
 * The artifact format: the one contract between the offline build (writer) and the edge worker
 * (reader). Bump FORMAT_VERSION on any incompatible change; readers reject other versions.
 * Documented in docs/artifact-format.md.
 */

export const FORMAT_VERSION = 3 as const

/** Formats this reader knows about, to name the mismatch when it meets another one. */
export const KNOWN_FORMAT_VERSIONS = [1, 2, 3] as const

/** Earlier formats, newest first: a build leaves a stub at each one's manifest key. */
export const OLDER_FORMAT_VERSIONS = KNOWN_FORMAT_VERSIONS.filter(
  (v) => v < FORMAT_VERSION
).reverse()

/** Workers KV limits (https://developers.cloudflare.com/kv/platform/limits/). */
export const MAX_KV_VALUE_BYTES = 25 * 1024 * 1024
export const MAX_KV_KEY_BYTES = 512

/** Candidate sources, in the order their bits and stored scores appear in a shard. */
export const SOURCES = ['cooc', 'pin2vec', 'session', 'walk'] as const
export type SourceName = (typeof SOURCES)[number]

/** Bit of each source in a candidate's source mask. */
export const SOURCE_BIT: Record<SourceName, number> = { cooc: 1, pin2vec: 2, session: 4, walk: 8 }

/**
 * Sources whose score is stored only when the source proposed the candidate (bit set in the mask),
 * as uint16 over [0, 1]. Pin2Vec's score is stored for every candidate (format v2): it is the
 * cosine of the two pins' int8 vectors, computed offline by core's `cosine`, so candidates need no
 * vector in the shard.
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
  /**
   * How the session co-occurrence lists that this blend was fitted on were scored (chosen on
   * held-out queries, src/offline/sessions/tune.ts). A build given this blend scores its session
   * lists the same way; the worker does not read it. Absent = the build's own options;
   * `lengthDamping` absent = 1 (blends fitted before it was tuned).
   */
  sessionCooc?: {
    decay: number
    backward: number
    popularityExponent: number
    lengthDamping?: number
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
  /** Engagement events of this pin in the training data (actions of weight 0 not counted). */
  engagement: number
  /**
   * Its engagement events in the last `--recent-fraction` of the training data's time span
   * (format 3): what is trending now, the learned blend's `log1p(candidate recent engagement)`.
   */
  recentEngagement: number
  /**
   * Pin2Vec vector, int8 (with `scale`) or float32; null when the pin has no embedding. Format v2
   * stores it for a record's own pin only; candidates carry `signature` instead.
   */
  vector: Int8Array | Float32Array | null
  /** Dequantisation scale: value ≈ q * scale. 1 for float32 vectors. */
  scale: number
  /**
   * Sign bits of the first SIGNATURE_BITS vector components (signature.ts): enough to estimate
   * the cosine of two pins for context re-ranking and near-duplicate collapse. Null without a vector.
   */
  signature?: Uint8Array | null
}

export type Candidate = {
  pin: PinEntry
  /** Bit set of SOURCE_BIT values: which sources proposed this candidate. */
  sources: number
  /**
   * Stored per-source scores in [0, 1]; cooc, session and walk are absent when the source did not
   * propose the candidate; pin2vec is present whenever both pins have a vector.
   */
  scores: Partial<Record<SourceName, number>>
}

export type PinRecord = {
  pin: PinEntry
  candidates: Candidate[]
  /**
   * Per-source maxima over the full candidate union before the stored list was capped, so the
   * learned blend's `relative:*` features are the same on the capped list (format v2).
   */
  maxScores?: Record<SourceName, number>
}

export type PopularPin = {
  id: string
  title: string
  imageUrl: string
  link: string
  engagement: number
}

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
  /** Most engaged pins of the training data, the fallback list (bounded in bytes). */
  popular: PopularPin[]
  /** At most this many candidates are stored per pin, so at most this many results per seed. */
  maxCandidates: number
  /**
   * 16 hex chars carried in every shard header: a hash of this manifest's body (everything but
   * buildId and createdAt), so a shard of another build is rejected even under a right-looking key.
   */
  shardTag: string
}

/** The manifest must stay small at any catalog size: every cold isolate parses it. */
export const MAX_MANIFEST_BYTES = 64 * 1024
