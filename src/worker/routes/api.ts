/**
 * @module
 * JSON API: related pins of one pin, and health.
 */

import { Hono } from 'hono'
import { rankRelated } from '../../core/blend'
import type { AppEnv } from '../env'
import { ApiError } from '../errors'
import { conditional, normalisedRequest } from '../http-cache'
import { parseK, parsePinId } from '../params'

export const api = new Hono<AppEnv>()

api.get('/v1/pins/:id/related', async (c) => {
  const id = parsePinId(c.req.param('id'))
  const k = parseK(c.req.query('k'))
  const build = await c.var.store.build()
  const notModified = conditional(c, build.manifest.buildId, normalisedRequest(c.req.url, { k: String(k) }))
  if (notModified) {
    return notModified
  }
  const record = await build.record(id)
  c.header('X-KV-Reads', String(build.kvReads))
  if (!record) {
    throw new ApiError(404, 'pin_not_found', `pin '${id}' is not in build ${build.manifest.buildId}`)
  }
  const related = rankRelated(record, build.manifest.blend, { k })
  const { pin } = record
  return c.json({
    pin: { id: pin.id, title: pin.title, imageUrl: pin.imageUrl, link: pin.link, engagement: pin.engagement },
    build: build.manifest.buildId,
    k,
    related,
  })
})

api.get('/healthz', async (c) => {
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
