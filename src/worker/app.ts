/**
 * @module
 * createApp(): the Hono app with its store, routes, injection mode and error handling wired.
 */

import { OpenAPIHono } from '@hono/zod-openapi'
import { type Bindings, type WorkerConfig, workerConfig } from './config'
import { registerDebug } from './debug'
import type { AppEnv } from './env'
import { notFound, onError } from './errors'
import { ownsPath, proxyToOrigin } from './inject'
import { registerOpenApi } from './openapi'
import { api } from './routes/api'
import { pages } from './routes/pages'
import { ArtifactStore } from './store'

// One store per KV binding per isolate: its manifest and shard caches outlive requests.
const stores = new WeakMap<KVNamespace, ArtifactStore>()

function storeFor(env: Bindings, config: WorkerConfig): ArtifactStore {
  let store = stores.get(env.ARTIFACTS)
  if (!store) {
    store = new ArtifactStore(env.ARTIFACTS, {
      pinnedBuildId: config.pinnedBuildId,
      pointerTtlMs: config.pointerTtlMs,
    })
    stores.set(env.ARTIFACTS, store)
  }
  return store
}

export function createApp(): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>()
  app.use(async (c, next) => {
    const config = workerConfig(c.env)
    c.set('config', config)
    c.set('store', storeFor(c.env, config))
    if (config.originUrl && !ownsPath(new URL(c.req.url).pathname)) {
      return proxyToOrigin(c)
    }
    await next()
  })
  registerDebug(app)
  app.route('/', api)
  app.route('/', pages)
  registerOpenApi(app)
  app.onError(onError)
  app.notFound(notFound)
  return app
}
