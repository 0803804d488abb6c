/**
 * @module
 * Every route the worker documents, as @hono/zod-openapi route definitions built from the one
 * schema (schema.ts). `relatedPins()` validates requests with the schemas these definitions carry,
 * and /v1/openapi.json is generated from the same definitions (openapi.ts).
 */

import { createRoute, type OpenAPIHono, type RouteConfig, z } from '@hono/zod-openapi'
import type { H } from 'hono/types'
import type { AppEnv } from '../env'
import { MAX_BODY_BYTES, multiBody, multiQuery, pinPath, pinQuery } from '../schema'

const ErrorBody = z
  .object({ error: z.object({ code: z.string(), message: z.string() }) })
  .openapi('Error')

const Pin = z
  .object({
    id: z.string(),
    title: z.string(),
    imageUrl: z.string(),
    link: z.string(),
    score: z.number(),
    sources: z.record(z.string(), z.number()).openapi({
      description:
        'score of each source that proposed the pin (cooc: same boards, pin2vec: engaged with next, session, walk); empty for fallback pins',
    }),
    context: z.number().optional().openapi({
      description:
        'what the context pins gave this pin (recency-weighted blend scores), when context was used',
    }),
    seeds: z
      .int()
      .optional()
      .openapi({ description: 'seed pins that reached this pin (multi-seed only)' }),
  })
  .openapi('Pin')

const Context = z
  .object({
    used: z.boolean(),
    pins: z.array(z.string()),
    ignored: z.array(z.string()),
    unread: z.array(z.string()),
  })
  .nullable()
  .openapi('Context')

const PinSummary = z.object({
  id: z.string(),
  title: z.string(),
  imageUrl: z.string(),
  link: z.string(),
  engagement: z.number(),
})

const answer = {
  build: z.string(),
  k: z.int(),
  fallback: z.boolean(),
  context: Context,
  related: z.array(Pin),
}

export const RelatedAnswer = z
  .object({
    pin: PinSummary.nullable().openapi({
      description: 'null when the pin is unknown (then fallback is true)',
    }),
    ...answer,
  })
  .openapi('RelatedAnswer')

export const MultiAnswer = z
  .object({ pins: z.array(z.object({ id: z.string(), found: z.boolean() })), ...answer })
  .openapi('MultiAnswer')

const json = (schema: z.ZodType, description = 'OK') => ({
  description,
  content: { 'application/json': { schema } },
})
const html = (description: string) => ({
  description,
  content: { 'text/html': { schema: z.string() } },
})
const errors = {
  400: json(ErrorBody, 'invalid parameter (bad_request)'),
  404: json(ErrorBody, 'pin_not_found (only with fallback=none) or not_found'),
  503: json(
    ErrorBody,
    'artifacts_unavailable: the build, or the shard of this pin, is missing or corrupt'
  ),
}
const notModified = { 304: { description: 'not modified' } }
const cached =
  '. Strong ETag (build id + normalised request), 304 on If-None-Match, Cache-Control with s-maxage and stale-while-revalidate.'

export const pinRelatedRoute = createRoute({
  method: 'get',
  path: '/v1/pins/{id}/related',
  summary: `Related pins of one pin${cached}`,
  request: { params: pinPath, query: pinQuery(20) },
  responses: { 200: json(RelatedAnswer), ...notModified, ...errors },
})

export const multiGetRoute = createRoute({
  method: 'get',
  path: '/v1/related',
  summary: `Related pins of several seed pins, merged with a boost for pins reached from several seeds${cached}`,
  request: { query: multiQuery },
  responses: { 200: json(MultiAnswer), ...notModified, ...errors },
})

export const multiPostRoute = createRoute({
  method: 'post',
  path: '/v1/related',
  summary: `Same as GET, parameters in a JSON body (at most ${MAX_BODY_BYTES} bytes; ids may contain commas)`,
  request: {
    body: { required: true, content: { 'application/json': { schema: multiBody } } },
  },
  responses: { 200: json(MultiAnswer), ...errors },
})

export const pinPageRoute = createRoute({
  method: 'get',
  path: '/pins/{id}',
  summary: `HTML page of a pin and a grid of its related pins${cached}`,
  request: { params: pinPath, query: pinQuery(30) },
  responses: { 200: html('page'), ...notModified, ...errors },
})

export const fragmentRoute = createRoute({
  method: 'get',
  path: '/fragments/pins/{id}/related',
  summary: `HTML fragment (a <section class="rp-related"> with its own scoped style) to embed into a page${cached}`,
  request: { params: pinPath, query: pinQuery(12) },
  responses: { 200: html('fragment'), ...notModified, ...errors },
})

export const homeRoute = createRoute({
  method: 'get',
  path: '/',
  summary: `HTML page of popular pins${cached}`,
  responses: { 200: html('page'), 503: errors[503] },
})

export const healthRoute = createRoute({
  method: 'get',
  path: '/healthz',
  summary: 'Build id, counts and sources (no-store)',
  responses: { 200: json(z.object({}).passthrough()), 503: errors[503] },
})

export const openapiRoute = createRoute({
  method: 'get',
  path: '/v1/openapi.json',
  summary: 'This description',
  responses: { 200: json(z.object({}).passthrough()) },
})

/**
 * Register `handlers` for the method and path of `route` (`{id}` becomes Hono's `:id`) and the
 * route itself in `app`'s OpenAPI registry: what is served and what is documented cannot part.
 */
export function on(
  app: OpenAPIHono<AppEnv>,
  route: RouteConfig,
  ...handlers: [H<AppEnv>, ...H<AppEnv>[]]
): void {
  app.openAPIRegistry.registerPath(route)
  app.on(route.method.toUpperCase(), route.path.replaceAll(/\{(\w+)\}/g, ':$1'), ...handlers)
}
