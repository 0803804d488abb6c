/**
 * @module
 * JSON API: related pins of one pin or of several seed pins, and health. Each route is registered
 * from its definition (routes/definitions.ts), which validates it and documents it.
 */

import { OpenAPIHono } from '@hono/zod-openapi'
import type { Context } from 'hono'
import type { AppEnv } from '../env'
import {
  answerRelated,
  multiGetRequest,
  multiPostRequest,
  pinAnswer,
  pinRequest,
  relatedPins,
  requireAnswer,
} from '../related'
import { healthRoute, multiGetRoute, multiPostRoute, on, pinRelatedRoute } from './definitions'

export const api = new OpenAPIHono<AppEnv>()

on(api, pinRelatedRoute, relatedPins({ read: pinRequest(pinRelatedRoute) }), (c) =>
  answerRelated(c, (r) => {
    const [id] = c.var.related.query.seeds
    requireAnswer(r, `pin '${id}' is not`)
    return c.json(pinAnswer(r))
  })
)

/** The answer of GET and POST /v1/related. */
const multiSeed = (c: Context<AppEnv>): Promise<Response> =>
  answerRelated(c, (r) => {
    requireAnswer(r, 'none of the seed pins is')
    const found = new Set(r.found.map((s) => s.pin.id))
    return c.json({
      pins: c.var.related.query.seeds.map((id) => ({ id, found: found.has(id) })),
      build: r.build,
      k: r.k,
      fallback: r.fallback,
      context: r.context,
      related: r.related,
    })
  })

on(
  api,
  multiGetRoute,
  relatedPins({ read: multiGetRequest(multiGetRoute), multi: true }),
  multiSeed
)
on(
  api,
  multiPostRoute,
  relatedPins({ read: multiPostRequest(multiPostRoute), multi: true }),
  multiSeed
)

on(api, healthRoute, async (c) => {
  const { manifest } = await c.var.store.build()
  c.header('Cache-Control', 'no-store')
  return c.json({
    status: 'ok',
    build: manifest.buildId,
    createdAt: manifest.createdAt,
    formatVersion: manifest.formatVersion,
    pins: manifest.pinCount,
    shards: manifest.shardCount,
    sources: manifest.sources,
    dims: manifest.dims,
    vectorDtype: manifest.vectorDtype,
    blend: manifest.blend.origin,
  })
})
