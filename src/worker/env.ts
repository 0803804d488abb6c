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
}

export type AppEnv = { Bindings: Bindings; Variables: { store: ArtifactStore } }
