/**
 * @module
 * The Hono environment type. Bindings are wrangler's generated `Env` (worker-configuration.d.ts);
 * routes read them parsed, from `c.var.config`.
 */

import type { Bindings, WorkerConfig } from './config'
import type { RelatedRequest } from './related'
import type { ArtifactStore } from './store'

export type { Bindings }

export type AppEnv = {
  Bindings: Bindings
  Variables: { store: ArtifactStore; config: WorkerConfig; related: RelatedRequest }
}
