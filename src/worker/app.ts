/**
 * @module
 * createApp(): the Hono app with its store, routes, injection mode and error handling wired.
 */

import { Hono } from 'hono'
import { registerDebug } from './debug'
import type { AppEnv } from './env'
import { notFound, onError } from './errors'
import { ownsPath, proxyToOrigin } from './inject'
import { api } from './routes/api'
import { pages } from './routes/pages'
import { ArtifactStore } from './store'

// One store per KV binding per isolate: its manifest and shard caches outlive requests.
const stores = new WeakMap<KVNamespace, ArtifactStore>()

function storeFor(env: AppEnv['Bindings']): ArtifactStore {
  let store = stores.get(env.ARTIFACTS)
  if (!store) {
    const ttl = Number(env.POINTER_TTL_MS)
    store = new ArtifactStore(env.ARTIFACTS, {
      pinnedBuildId: env.ARTIFACT_BUILD_ID,
      pointerTtlMs: env.POINTER_TTL_MS && Number.isFinite(ttl) && ttl >= 0 ? ttl : undefined,
    })
    stores.set(env.ARTIFACTS, store)
  }
  return store
}

export function createApp(): Hono<AppEnv> {
  const app = new Hono<AppEnv>()
  app.use(async (c, next) => {
    c.set('store', storeFor(c.env))
    if (c.env.ORIGIN_URL && !ownsPath(new URL(c.req.url).pathname)) {
      return proxyToOrigin(c)
    }
    await next()
  })
  registerDebug(app)
  app.route('/', api)
  app.route('/', pages)
  app.onError(onError)
  app.notFound(notFound)
  return app
}
