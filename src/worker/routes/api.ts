/**
 * @module
 * JSON API: related pins of one pin or of several seed pins, health and the OpenAPI description.
 */

import { type Context, Hono } from 'hono'
import type { AppEnv } from '../env'
import { ApiError } from '../errors'
import { OPENAPI } from '../openapi'
import { DEFAULT_K, MAX_SEEDS, parseIdList, readBody } from '../params'
import type { RawParams } from '../query'
import { answerRelated, pinAnswer, relatedPins, requireAnswer } from '../related'

export const api = new Hono<AppEnv>()

api.get('/v1/pins/:id/related', relatedPins({ defaultK: DEFAULT_K }), (c) =>
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

function requireSeeds(raw: string | readonly unknown[] | undefined): string[] {
  const seeds = parseIdList(raw, 'pins', MAX_SEEDS)
  if (seeds.length === 0) {
    throw new ApiError(400, 'bad_request', `pins is required: 1 to ${MAX_SEEDS} seed pin ids`)
  }
  return seeds
}

api.get(
  '/v1/related',
  relatedPins({
    defaultK: DEFAULT_K,
    multi: true,
    read: (c) => {
      const raw = c.req.query()
      return { seeds: requireSeeds(raw.pins), raw }
    },
  }),
  multiSeed
)

const BODY_FIELDS = ['pins', 'k', 'exclude', 'context', 'fallback', 'dedup', 'seen']

/** The POST body: the same parameters as the query string, ids as JSON arrays (ids may contain commas). */
function bodyParams(text: string): { pins: unknown; raw: RawParams } {
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    throw new ApiError(
      400,
      'bad_request',
      'body must be a JSON object like {"pins": ["id", ...], "k": 20}'
    )
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ApiError(
      400,
      'bad_request',
      'body must be a JSON object like {"pins": ["id", ...], "k": 20}'
    )
  }
  const fields = body as Record<string, unknown>
  const unknown = Object.keys(fields).filter((key) => !BODY_FIELDS.includes(key))
  if (unknown.length > 0) {
    throw new ApiError(
      400,
      'bad_request',
      `unknown body field ${JSON.stringify(unknown[0]?.slice(0, 20))}; expected ${BODY_FIELDS.join(', ')}`
    )
  }
  const scalar = (name: string, type: 'number' | 'string'): string | undefined => {
    const v = fields[name]
    if (v === undefined) {
      return undefined
    }
    if (typeof v !== type) {
      throw new ApiError(400, 'bad_request', `${name} must be a ${type}`)
    }
    return String(v)
  }
  const list = (name: string): readonly unknown[] | undefined => {
    const v = fields[name]
    if (v !== undefined && !Array.isArray(v)) {
      throw new ApiError(400, 'bad_request', `${name} must be an array of pin ids`)
    }
    return v
  }
  return {
    pins: list('pins'),
    raw: {
      k: scalar('k', 'number'),
      exclude: list('exclude'),
      context: list('context'),
      fallback: scalar('fallback', 'string'),
      dedup: scalar('dedup', 'number'),
      seen: scalar('seen', 'string'),
    },
  }
}

api.post(
  '/v1/related',
  relatedPins({
    defaultK: DEFAULT_K,
    multi: true,
    read: async (c) => {
      const { pins, raw } = bodyParams(await readBody(c.req.raw))
      return { seeds: requireSeeds(pins as readonly unknown[] | undefined), raw }
    },
  }),
  multiSeed
)

api.get('/v1/openapi.json', (c) => c.json(OPENAPI))

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
