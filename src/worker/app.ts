/**
 * @module
 * createApp(): the Hono app with its store, routes and error handling wired.
 */

import { Hono } from 'hono'
import type { AppEnv } from './env'
import { notFound, onError } from './errors'
import { api } from './routes/api'
import { pages } from './routes/pages'
import { ArtifactStore } from './store'

// One store per KV binding per isolate: its manifest and shard caches outlive requests.
const stores = new WeakMap<KVNamespace, ArtifactStore>()

function storeFor(env: AppEnv['Bindings']): ArtifactStore {
  let store = stores.get(env.ARTIFACTS)
  if (!store) {
    store = new ArtifactStore(env.ARTIFACTS, { pinnedBuildId: env.ARTIFACT_BUILD_ID })
    stores.set(env.ARTIFACTS, store)
  }
  return store
}

export function createApp(): Hono<AppEnv> {
  const app = new Hono<AppEnv>()
  app.use(async (c, next) => {
    c.set('store', storeFor(c.env))
    await next()
  })
  app.route('/', api)
  app.route('/', pages)
  app.onError(onError)
  app.notFound(notFound)
  return app
}
