/**
 * @module
 * Worker bindings and the Hono environment type.
 */

import type { ArtifactStore } from './store'

export type Bindings = {
  /** Workers KV namespace holding the artifacts (see docs/artifact-format.md). */
  ARTIFACTS: KVNamespace
  /** Serve this build instead of the one named by the pointer key (optional). */
  ARTIFACT_BUILD_ID?: string
  /** Injection mode: paths the worker does not own are proxied to this origin (and only to it). */
  ORIGIN_URL?: string
  /** Default near-duplicate threshold (cosine, 0..1; 1 disables the collapse). */
  DEDUP_THRESHOLD?: string
  /** How long an isolate trusts the pointer key, in ms (default 30000). */
  POINTER_TTL_MS?: string
  /** 'off' skips the Cache API (the ETag and Cache-Control headers stay). */
  CACHE_API?: string
  /** 'off' skips the isolate's memo of finished answers (src/worker/response-memo.ts). */
  RESPONSE_MEMO?: string
  /** '1' enables the /__debug routes used by tests and `npm run bench -- edge`. Never in production. */
  DEBUG?: string
}

export type AppEnv = { Bindings: Bindings; Variables: { store: ArtifactStore } }
